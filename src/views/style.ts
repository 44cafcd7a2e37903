/**
 * Colour for terminal views. Colour is on only when the output is a terminal and NO_COLOR is unset or
 * empty (https://no-color.org); files, pipes and tests get plain text, byte for byte the same on every run.
 * A view asks for a style by meaning (`drop`, `state`), not by colour, so the palette lives here alone.
 */

export type Style =
  /** The time column and other secondary text. */
  | 'dim'
  /** Segments of an FTP control connection. */
  | 'control'
  /** Segments of any other connection (FTP data, plain TCP). */
  | 'data'
  /** A segment the network lost, a reset, a failed expectation. */
  | 'drop'
  /** A segment held by a fault rule, a TCP timer or retransmission. */
  | 'held'
  /** A TCP state change. */
  | 'state'
  /** The FTP server's own notes (data channel state, queued commands). */
  | 'ftp'
  /** A passed expectation. */
  | 'ok'
  /** Headings and markers. */
  | 'strong';

/** SGR codes; a Record over the closed union, so a new style cannot be left without one. */
const CODES: Readonly<Record<Style, string>> = {
  dim: '2',
  control: '36',
  data: '0',
  drop: '31',
  held: '33',
  state: '32',
  ftp: '35',
  ok: '32',
  strong: '1',
};

export interface Paint {
  readonly on: boolean;
  (style: Style | undefined, text: string): string;
}

/** A painter: identity when `on` is false. */
export function paint(on: boolean): Paint {
  const f = (style: Style | undefined, text: string): string => {
    if (!on || style === undefined || text === '') return text;
    return `\u001b[${CODES[style]}m${text}\u001b[0m`;
  };
  return Object.assign(f, { on });
}

export const PLAIN: Paint = paint(false);

/** Whether to colour output written to `stream`: a terminal, and NO_COLOR not set to a non-empty value. */
export function wantColor(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const noColor = env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}
