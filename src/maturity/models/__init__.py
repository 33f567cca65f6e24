"""Pydantic models of the three file kinds and of the Assessment."""

from maturity.models.answers import Answer, AnswersFile, Enterprise
from maturity.models.questionnaire import Question, Questionnaire
from maturity.models.results import Assessment
from maturity.models.rules import Rules

__all__ = ["Answer", "AnswersFile", "Assessment", "Enterprise", "Question", "Questionnaire", "Rules"]
