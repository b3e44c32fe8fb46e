"""`make bench`: Kaohe measured against its own limits, in one run, as ratios to baselines."""
