# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""One calm, official look: Fusion, light surfaces, a deep-red accent, the bundled CJK font."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from core.infra.paths import UI_FONT, font_path, resources_dir

ACCENT = "#B71C1C"
ACCENT_DARK = "#8E1414"
ACCENT_SOFT = "#FBE9E7"
TEXT = "#263238"
MUTED = "#607D8B"
SURFACE = "#FFFFFF"
BACKGROUND = "#F4F5F7"
BORDER = "#DADDE1"
SUCCESS = "#2E7D32"
WARNING = "#E65100"

# Spacing scale (px): use these, not ad-hoc numbers.
SP1, SP2, SP3, SP4 = 4, 8, 16, 24

STYLESHEET = f"""
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QWidget {{ color: {TEXT}; font-size: 14px; }}
QMainWindow, QDialog, #Page {{ background: {BACKGROUND}; }}
#Sidebar {{ background: {SURFACE}; border: none; border-right: 1px solid {BORDER}; outline: 0; }}
#Sidebar::item {{ padding: 0px 14px; border-radius: 6px; margin: 2px 8px; }}
#Sidebar::item:selected {{ background: {ACCENT_SOFT}; color: {ACCENT}; font-weight: bold; }}
#Sidebar::item:hover:!selected {{ background: {BACKGROUND}; }}
#Header {{ background: {ACCENT}; }}
#Header QLabel {{ color: white; }}
#HeaderTitle {{ font-size: 20px; font-weight: bold; }}
#HeaderButton {{ color: white; background: transparent; border: 1px solid rgba(255,255,255,0.6);
                 border-radius: 4px; padding: 4px 12px; }}
#HeaderButton:hover {{ background: rgba(255,255,255,0.15); }}
#PageTitle {{ font-size: 20px; font-weight: bold; color: {ACCENT}; }}
#Card {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
#CardValue {{ font-size: 26px; font-weight: bold; color: {ACCENT}; }}
#Muted {{ color: {MUTED}; }}
#EmptyState {{ color: {MUTED}; font-size: 15px; }}
#LayoutNote {{ background: #EEF3F8; border: 1px solid #CFDCE8; border-radius: 4px; padding: 6px 10px; }}
QPushButton {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 4px; padding: 6px 16px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:default, QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; }}
QPushButton:default:hover, QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton:disabled {{ color: #9AA5AD; background: #ECEFF1; border-color: {BORDER}; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit, QPlainTextEdit, QTextEdit {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 4px; padding: 5px 8px; }}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus, QTextEdit:focus {{ border-color: {ACCENT}; }}
QTableView, QTreeView, QListView {{ background: {SURFACE}; border: 1px solid {BORDER};
    alternate-background-color: #FAFAFB; selection-background-color: {ACCENT_SOFT}; selection-color: {TEXT}; }}
QHeaderView::section {{ background: #ECEFF1; border: none; border-right: 1px solid {BORDER};
    border-bottom: 1px solid {BORDER}; padding: 6px; font-weight: bold; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 4px; background: {SURFACE}; top: -1px; }}
QTabBar::tab {{ padding: 8px 18px; border: none; border-bottom: 2px solid transparent; background: transparent;
    color: {MUTED}; }}
QTabBar::tab:hover {{ color: {TEXT}; }}
QTabBar::tab:selected {{ color: {ACCENT}; border-bottom: 2px solid {ACCENT}; font-weight: bold; }}
QComboBox {{ padding-right: 26px; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right; width: 24px; border: none; }}
QComboBox::down-arrow {{ image: url({{down}}); width: 12px; height: 12px; }}
QComboBox QAbstractItemView {{ background: {SURFACE}; border: 1px solid {BORDER}; selection-background-color: {ACCENT_SOFT};
    selection-color: {TEXT}; outline: 0; }}
QSpinBox, QDoubleSpinBox, QDateEdit {{ padding-right: 22px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button, QDateEdit::up-button {{ subcontrol-origin: border;
    subcontrol-position: top right; width: 20px; border: none; border-left: 1px solid {BORDER}; }}
QSpinBox::down-button, QDoubleSpinBox::down-button, QDateEdit::down-button {{ subcontrol-origin: border;
    subcontrol-position: bottom right; width: 20px; border: none; border-left: 1px solid {BORDER}; }}
QSpinBox::up-button:hover, QDoubleSpinBox::up-button:hover, QSpinBox::down-button:hover,
QDoubleSpinBox::down-button:hover {{ background: {ACCENT_SOFT}; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow, QDateEdit::up-arrow {{ image: url({{up}}); width: 10px; height: 10px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow, QDateEdit::down-arrow {{ image: url({{down}}); width: 10px;
    height: 10px; }}
QDateEdit::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right; width: 24px; border: none; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 16px; height: 16px; }}
"""


@cache
def font_family() -> str:
    """Register the bundled CJK font (so no PC shows boxes) and return its family name."""
    font_id = QFontDatabase.addApplicationFont(str(font_path(UI_FONT)))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else QApplication.font().family()


def stylesheet() -> str:
    """The one style sheet, with the arrow images of combo and spin boxes filled in."""
    icons = resources_dir() / "icons"
    return STYLESHEET.replace("{down}", (icons / "chevron-down.svg").as_posix()).replace(
        "{up}", (icons / "chevron-up.svg").as_posix())


STYLE = "Fusion"


def apply(app: QApplication, *, style_chosen: bool = False) -> None:
    """Fusion, the palette, the font and the style sheet on ``app``.

    One base style for every widget: Fusion, then the palette and the style sheet (which gives
    the one hint Fusion lacked: no stock icons on 是/否/确定). ``style_chosen``: the application
    was created with ``-style Fusion`` (:func:`gui.app.make_app`), so Fusion is not set again here:
    ``setStyle`` returns the style as a Python object, and making QStyle's Python type builds its
    ten large enums (about a fifth of what start-up adds to a bare window) before the login
    window shows.
    """
    if not style_chosen:
        app.setStyle(STYLE)
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(BACKGROUND))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Base, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#FAFAFB"))
    palette.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Button, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    app.setPalette(palette)
    font = QFont(font_family())
    font.setPixelSize(14)
    app.setFont(font)
    app.setStyleSheet(stylesheet())
    app.setWindowIcon(icon("emblem"))


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))
