"""Natural-language understanding: language, normalisation, slots and the intent model."""
