from .sanction import Appeal, CreditThreshold, Sanction
from .snapshot import CreditSnapshot

__all__ = ["Appeal", "CreditSnapshot", "CreditThreshold", "Sanction"]
