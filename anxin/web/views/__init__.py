"""Server-rendered pages, one module per audience; ``common`` holds what they share."""
