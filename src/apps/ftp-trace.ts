/**
 * Trace entries of the FTP server model when it runs in the simulator (src/apps/ftp-server.ts). `session` is
 * the name of the session's control connection (e.g. 'server/ctrl#1'), so an entry joins up with the TCP
 * entries of that connection.
 */
import type { LogEntry } from '../ftp/w3c.ts';

declare module '../../sim/trace.ts' {
  interface TraceKinds {
    /** The server parsed a command line (as received, without its line end). */
    'ftp-command': { readonly session: string; readonly line: string };
    /** The server wrote a reply: its final code and its text, lines of a multi-line reply joined by '\n'. */
    'ftp-reply': { readonly session: string; readonly code: number; readonly text: string };
    /** The server wrote a W3C log line; `session` here is the entry's x-session (the W3C session GUID). */
    'ftp-log': { readonly session: string; readonly line: string; readonly entry: LogEntry };
    /** The session's data channel changed state; `conn` names the data connection once there is one. */
    'ftp-data': {
      readonly session: string;
      readonly conn: string;
      readonly data: number;
      readonly from: string;
      readonly to: string;
    };
    /** Anything else the model noted: a queued command, a timer, an ignored late event. */
    'ftp-note': { readonly session: string; readonly text: string };
  }
}
