/**
 * Two rules of the emulator's limits, as pure functions over one step's outputs (the driver applies them
 * before it carries the outputs out; tests call them directly).
 *
 * Owns: finding the 530 reply of a failed login (the driver holds it, see Limits.loginFailDelay) and turning
 * the reply to an upload cut by the memory limit into a 552. Leaves out: timers and sockets (driver.ts).
 */

import type { FtpInput, FtpOutput } from '../ftp/io.ts';
import { SUBSTATUS } from '../ftp/win32.ts';
import { storageExceededText, WIN32_DISK_FULL } from './replies.ts';

const NO_GATES: ReadonlySet<number> = new Set();

const is530 = (o: FtpOutput) => o.kind === 'control-write' && o.code === 530;

/**
 * The indexes of the outputs that are a 530 reply to a PASS (a failed login): the reply and everything after
 * it for that session is held, and the session's next lines wait meanwhile. Found from the command's log line
 * (method PASS, status 530), which the model writes right after the reply; `sessionOfGuid` maps the log's
 * x-session to the driver's session name. null: no login delay, nothing is held.
 */
export function failedLogins(
  outputs: readonly FtpOutput[],
  sessionOfGuid: ReadonlyMap<string, string> | null,
): ReadonlySet<number> {
  // Most steps have no 530 at all: they share one empty set (the driver asks this of every step).
  if (sessionOfGuid === null || !outputs.some(is530)) return NO_GATES;
  const gates = new Set<number>();
  const last530 = new Map<string, number>();
  outputs.forEach((o, i) => {
    if (o.kind === 'control-write' && o.code === 530) last530.set(o.session, i);
    if (o.kind === 'log' && o.entry.status === '530' && o.entry.method.toUpperCase() === 'PASS') {
      const at = last530.get(sessionOfGuid.get(o.entry.session) ?? '');
      if (at !== undefined) gates.add(at);
    }
  });
  return gates;
}

/**
 * The outputs of the data-reset the driver fed for an upload cut by the memory limit. The model answers a
 * reset upload with 426 and logs it as aborted by the client; the client is told the real reason instead: 552
 * (RFC 959: exceeded storage allocation). The log says the same: the command's line gets 552 with the Win32
 * status of a full disk (ERROR_DISK_FULL, the nearest thing IIS knows) and substatus 3 (file system error, as
 * the model logs a Win32 file-system failure); the DataChannelClosed line gets substatus 22 (aborted by the
 * server due to an error).
 */
export function storageExceeded(
  outputs: readonly FtpOutput[],
  input: FtpInput,
  guid: string | undefined,
  limit: number,
): FtpOutput[] {
  const session = 'session' in input ? input.session : '';
  const text = storageExceededText(limit);
  return outputs.map((o) => {
    if (o.kind === 'control-write' && o.session === session && o.code === 426) {
      return { ...o, code: 552, text, bytes: Buffer.from(text, 'latin1') };
    }
    if (o.kind !== 'log' || o.entry.session !== guid) return o;
    if (o.entry.method === 'DataChannelClosed') {
      return {
        ...o,
        entry: { ...o.entry, win32: WIN32_DISK_FULL, substatus: SUBSTATUS.DATA_ABORTED_BY_SERVER },
      };
    }
    if (o.entry.status === '426') {
      return {
        ...o,
        entry: { ...o.entry, status: '552', win32: WIN32_DISK_FULL, substatus: SUBSTATUS.FILE_SYSTEM_ERROR },
      };
    }
    return o;
  });
}
