"""Network clients, used only by explicit commands and the packaging step, never by a build."""
