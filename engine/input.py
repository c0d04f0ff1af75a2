"""Keyboard and mouse of a desktop window without ShowBase: a small data graph (MouseAndKeyboard ->
MouseWatcher -> ButtonThrower) traversed once per frame; button events are drained from Panda3D's event queue."""

from __future__ import annotations

from panda3d.core import (
    ButtonThrower,
    DataGraphTraverser,
    EventQueue,
    GraphicsWindow,
    KeyboardButton,
    ModifierButtons,
    MouseAndKeyboard,
    MouseWatcher,
    NodePath,
)


class KeyboardMouse:
    def __init__(self, window: GraphicsWindow):
        self.root = NodePath("input-data")
        self._trav = DataGraphTraverser()
        mk = self.root.attach_new_node(MouseAndKeyboard(window, 0, "keyboard-mouse"))
        self.watcher = MouseWatcher("watcher")
        mw = mk.attach_new_node(self.watcher)
        thrower = ButtonThrower("buttons")
        mods = ModifierButtons()
        mods.add_button(KeyboardButton.shift())
        thrower.set_modifier_buttons(mods)
        thrower.set_prefix("")
        mw.attach_new_node(thrower)
        self._queue = EventQueue.get_global_event_queue()

    def poll(self) -> list[str]:
        """Button events since the last call: 'space', 'arrow_left', 'arrow_left-repeat', 'mouse1-up', 'wheel_up'..."""
        self._trav.traverse(self.root.node())
        names = []
        while not self._queue.is_queue_empty():
            ev = self._queue.dequeue_event()
            names.append(ev.name)
        return names

    def mouse(self) -> tuple[float, float] | None:
        """Mouse position in [-1, 1] window coordinates, or None outside the window."""
        if not self.watcher.has_mouse():
            return None
        m = self.watcher.get_mouse()
        return float(m.x), float(m.y)

    def is_down(self, button) -> bool:
        return self.watcher.is_button_down(button)
