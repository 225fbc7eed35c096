"""Django settings for Rostra: `base` holds everything, `test` adjusts it for the suite."""
