"""Recommendations: the 小快轻准 catalog ranked against an assessment, roadmap, next steps."""
