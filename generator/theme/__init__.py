"""The brand: the theme's colours and fonts, the logo, their contrast, and how deckgen's layouts
map onto a corporate template."""
