from rapport.projects.models.actuals import CostEntry, TimeEntry
from rapport.projects.models.baseline import (
    BaselineVersion,
    BudgetCategory,
    BudgetLine,
    Deliverable,
    DeliverableDecision,
    Milestone,
    Objective,
    QualityStandard,
)
from rapport.projects.models.project import Project, ProjectMember

__all__ = [
    "BaselineVersion",
    "BudgetCategory",
    "BudgetLine",
    "CostEntry",
    "Deliverable",
    "DeliverableDecision",
    "Milestone",
    "Objective",
    "Project",
    "ProjectMember",
    "QualityStandard",
    "TimeEntry",
]
