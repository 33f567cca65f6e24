"""The scoring engine: answers normalised, conditions evaluated, scores, levels, national grade."""
