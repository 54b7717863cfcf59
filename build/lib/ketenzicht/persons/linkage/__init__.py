"""Entity resolution for person records: normalisation, comparisons and a probabilistic
(Fellegi-Sunter) model on Splink. Imports without Django, so that the ``ketenzicht link``
command, the benchmarks and the labelled-data generator run it on plain records."""
