/**
 * The replies the emulator writes itself, for limits that IIS either does not have or that the model leaves
 * out (src/ftp/config.ts: "Not modelled: maxConnections"). Every other reply is the model's
 * (src/ftp/replies.ts); these belong there too once the model handles the limits, and then go from here.
 */

/**
 * A connection over maxConnections. INFERRED (facts §4.1: "Reply code/text when maxConnections reached: not
 * observed — INFERRED 421 + maxClientsMessage"; IIS's maxClientsMessage is empty by default): RFC 959's 421
 * ("Service not available, closing control connection") with the reason, written before the close.
 */
export function tooManyConnections(perIp: boolean): string {
  const why = perIp ? 'Too many connections from your address' : 'Too many connections';
  return `421 ${why}, closing control connection.\r\n`;
}

/**
 * An upload cut because uploads held in memory would pass the emulator's limit. IIS has no such limit (its
 * nearest is a full disk); RFC 959's 552 "Requested file action aborted. Exceeded storage allocation" says
 * what happened, and the limit is named so that a user knows which knob to turn.
 */
export function storageExceededText(limit: number): string {
  return `552 Requested file action aborted. Exceeded storage allocation (the emulator keeps at most ${limit} bytes of uploads in memory).\r\n`;
}

/** ERROR_DISK_FULL: the Win32 status the log gives an upload cut by the limit, as Windows gives a full disk. */
export const WIN32_DISK_FULL = 112;
