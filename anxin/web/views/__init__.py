"""Server-rendered pages, one subpackage per audience (``consumer``, ``merchant``, ``console``,
``manage``); the modules at this level are shared by several audiences or public (help, contact,
survey, the front door, error pages)."""
