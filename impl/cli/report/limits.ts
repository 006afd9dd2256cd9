/**
 * Sizes and limits of the HTML failure report, in one place. Diagram text is monospace, so a
 * label's width is its length times CHAR_WIDTH_PX.
 */

/** Font size of diagram labels, in pixels. */
export const FONT_PX = 11;

/** Advance of one monospace character at FONT_PX, in pixels (DejaVu Sans Mono advances 0.602 em). */
export const CHAR_WIDTH_PX = 6.7;

/** Vertical distance between two rows of the diagram, in pixels, however close their times are. */
export const ROW_GAP_PX_MIN = 30;

/** Extra height of a row for each line of violation reason under an operation label, in pixels. */
export const REASON_LINE_PX = 14;

/** Vertical scale of the diagram between close events, in pixels per simulated millisecond. */
export const PX_PER_MS = 2;

/** Idle gaps longer than this are drawn as a break of BREAK_PX instead of to scale, in simulated milliseconds. */
export const IDLE_GAP_MS_MIN = 60;

/** Height of the break that stands for an idle gap, in pixels. */
export const BREAK_PX = 20;

/** Vertical drop of a message arrow from its sender to its receiver, in pixels: messages carry only a send time. */
export const ARROW_DROP_PX = 10;

/** Width of the time axis left of the first lifeline, in pixels. */
export const AXIS_PX = 96;

/** Height of the lifeline heads above the first row, in pixels. */
export const HEAD_PX = 44;

/** Space below the last row, in pixels. */
export const TAIL_PX = 40;

/** Minimum width of the column of a client lifeline, in pixels; wider when its operation labels need it. */
export const CLIENT_COLUMN_PX_MIN = 150;

/** Maximum width of the column of a client lifeline, in pixels; longer labels are cut with an ellipsis. */
export const CLIENT_COLUMN_PX_MAX = 560;

/** Minimum width of the column of a node lifeline, in pixels; wider when its fault labels need it. */
export const NODE_COLUMN_PX = 130;

/** Width of an operation bar on a client lifeline, in pixels. */
export const BAR_PX = 10;

/** Height of the bar of an operation that took no simulated time, such as an offline attenuate, in pixels. */
export const INSTANT_BAR_PX = 8;

/** Maximum length of a value inside a diagram label, in characters; the table and tooltips show more. */
export const DIAGRAM_VALUE_CHARS_MAX = 16;

/** Maximum length of a value in the trace table, in characters. */
export const TABLE_VALUE_CHARS_MAX = 120;

/** Maximum number of violation reason lines under one operation label; the header lists every reason in full. */
export const REASON_LINES_MAX = 4;

/** Minimum width of the diagram, in pixels, so that a violation reason has room even with few lifelines. */
export const DIAGRAM_PX_MIN = 1000;

/** Space between a bar or a fault mark and its label, in pixels. */
export const LABEL_GAP_PX = 6;

/** Half the size of the X that marks a crash, in pixels. */
export const CRASH_MARK_PX = 7;

/** Baseline of an operation label below its row, clear of the request arrow that leaves the bar there, in pixels. */
export const OP_LABEL_DROP_PX = 17;
