/**
 * The client models: the correct client, and the named behaviours of real broken clients, each reduced to
 * the few decisions in which it departs from the correct one. The client engine (ftp-client.ts,
 * ftp-transfer.ts) asks these questions and nothing else, so a behaviour is exactly its row here.
 *
 * Each row cites the public report it imitates (facts sheet, /work/shared/reference/ftp75-facts.md §5).
 */

import type { ClientModel } from './script.ts';

export interface Traits {
  /**
   * A 125 reply is not the preliminary reply it waits for: it is left unread at the head of the reply
   * queue, and the client waits for a 150 that never comes (so every later reply stays unread too).
   */
  readonly needs150: boolean;
  /** An upload's bytes are sent only after a 150; after a 125 the client sits idle. */
  readonly uploadNeeds150: boolean;
  /** On the final 2xx of a download the data connection is aborted at once, read or not. */
  readonly closesDataOnFinal: boolean;
  /**
   * After a download's command, only the control connection is read until the final reply; only then is
   * the data connection read, once, and closed whether or not its end has arrived.
   */
  readonly readsControlFirst: boolean;
  /** A finished data connection is closed only when the next transfer has completed (or failed). */
  readonly keepsOldDataOpen: boolean;
  /** Commands end with LF alone. */
  readonly lfOnly: boolean;
  /** Data connections (and active-mode listeners) use local ports below 1024 (from 1000). */
  readonly lowDataPort: boolean;
}

const CORRECT: Traits = Object.freeze({
  needs150: false,
  uploadNeeds150: false,
  closesDataOnFinal: false,
  readsControlFirst: false,
  keepsOldDataOpen: false,
  lfOnly: false,
  lowDataPort: false,
});

export interface ModelInfo {
  readonly traits: Traits;
  /** One line: what the client does. */
  readonly about: string;
  /** The public report(s) it imitates. */
  readonly source: string;
}

export const MODELS: Readonly<Record<ClientModel, ModelInfo>> = {
  // basic-ftp's transfer: the data socket is read from before the command is sent, 125 and 150 are both
  // preliminary, and the transfer resolves when both the data end and the final reply are in, in either
  // order (facts §5.2, "Robust client pattern").
  correct: {
    traits: CORRECT,
    about: 'accepts 125 and 150; a transfer ends when both the data EOF and the final reply have arrived',
    source: 'basic-ftp (facts §5.2, robust client pattern)',
  },
  // mscdex/node-ftp PR #41: RETR answered 125 → the client "waits indefinitely for a 150 to show up which
  // never comes"; also xyhuangjinfu/MiniDownloader #16, sergi/jsftp PR #62 (facts §5.1, scenario S2).
  'expects-150': {
    traits: { ...CORRECT, needs150: true, uploadNeeds150: true },
    about: 'takes only 150 as the preliminary reply: after a 125 it waits for a 150 that never comes',
    source: 'mscdex/node-ftp PR #41; MiniDownloader #16; jsftp PR #62 (facts §5.1)',
  },
  // gezedo/lwftp PR #10 and eclipse-ecal/fineftp-server PR #60/#63: the embedded client closes the data
  // connection as soon as it receives 226 "even though it hasn't received all data, yet" (facts §5.2, S5).
  // lwIP's tcp_close with unread data sends RST, hence an abort here.
  'closes-data-on-226': {
    traits: { ...CORRECT, closesDataOnFinal: true },
    about: 'aborts the data connection as soon as the 226 arrives, unread data or not',
    source: 'gezedo/lwftp PR #10; eclipse-ecal/fineftp-server PR #60 (facts §5.2)',
  },
  // curl/curl #12823 → PR #12841: "curl can sometimes get the 226 (transfer complete) over the control
  // channel first, before the data connection signals readability"; a client that waits on the control
  // connection and looks at the data socket only afterwards hangs or reads 0 bytes (facts §5.2, S6).
  'reads-control-first': {
    traits: { ...CORRECT, readsControlFirst: true },
    about: 'reads only the control connection until the final reply, then takes what the data socket holds',
    source: 'curl/curl #12823, PR #12841 (facts §5.2, S6)',
  },
  // KB 2505047's note on PASV/EPSV waiting for the earlier data connection, and the interleaving the facts
  // sheet infers for it (§5.3, S7): a client that closes data connection k only after transfer k+1 is done
  // deadlocks until the data channel timeout. No client report cites it directly (facts §5.3).
  'keeps-old-data-open': {
    traits: { ...CORRECT, keepsOldDataOpen: true },
    about: 'closes a finished data connection only after the next transfer completes',
    source: 'KB 2505047 PASV/EPSV note (facts §5.3, S7)',
  },
  // Far-NetBox #236 (IIS 7, passive STOR): after "125 Data connection already open; Transfer starting."
  // the client never sends its data and times out 15 s later (facts §5.1, S1).
  'waits-for-150-before-upload': {
    traits: { ...CORRECT, uploadNeeds150: true },
    about: 'sends upload data only after a 150; a 125 leaves it idle',
    source: 'Far-NetBox #236 (facts §5.1, S1)',
  },
  // aio-libs/aioftp PR #5 ("Microsoft's IIS/FTP solution is picky and will return a 451"), FluentFTP #486
  // (.NET on Linux used Environment.NewLine), a CTF write-up with plain nc (facts §5.4, S8).
  'lf-line-endings': {
    traits: { ...CORRECT, lfOnly: true },
    about: 'ends its command lines with LF alone',
    source: 'aio-libs/aioftp PR #5; FluentFTP #486 (facts §5.4)',
  },
  // No client report found; KB 2505047: "when an FTP client tries to use a port lower than 1024 for the data
  // connection, FTP 7.5 will reset the underlying TCP connection" (facts §5.5, S9).
  'low-data-port': {
    traits: { ...CORRECT, lowDataPort: true },
    about: 'opens its data connections from, or listens on, a port below 1024',
    source: 'KB 2505047 low data port section (facts §5.5)',
  },
};

export const MODEL_NAMES = Object.keys(MODELS) as ClientModel[];

export function traitsOf(model: ClientModel): Traits {
  return MODELS[model].traits;
}
