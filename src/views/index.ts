/** The trace views: ladder, Mermaid, JSON Lines, W3C log, pcap, and two runs side by side. */

export { directionKey, type Numbered, tupleKey, WireContext } from './context.ts';
export { jsonLine, jsonLines } from './json.ts';
export {
  formatTime,
  LADDER_LEGEND,
  LADDER_WIDTH,
  Ladder,
  type LadderHost,
  type LadderOptions,
  ladderLines,
} from './ladder.ts';
export { MERMAID_MAX_TEXT, type MermaidOptions, mermaidLines, mermaidText } from './mermaid.ts';
export { type Capture, capturePcap } from './pcap.ts';
export {
  alignEvents,
  type DiffEvent,
  type DiffMark,
  type DiffRow,
  diffEvents,
  type SideBySideOptions,
  sideBySideLines,
} from './profile-diff.ts';
export { ftpTextOf, segmentLabel } from './segment-label.ts';
export { type Paint, PLAIN, paint, type Style, wantColor } from './style.ts';
export { controlText, preview, stripAnsi, textWidth, truncate } from './text.ts';
export { w3cLogLines } from './w3c-log.ts';
