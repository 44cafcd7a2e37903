/**
 * Queries over what the FTP server model and the FTP client models record: replies written, replies read
 * by a client, command lines parsed, W3C log lines, data-channel states, client verdicts.
 */

import { UsageError } from '../../sim/errors.ts';
import type { EntryOf } from '../../sim/trace.ts';
import { type ConnPattern, connTest, onConn, Query } from './query.ts';

/** A text test: a string is found anywhere in the text, a RegExp searches it. */
export type TextMatch = string | RegExp;

function textTest(m: TextMatch | undefined): (s: string) => boolean {
  if (m === undefined) return () => true;
  return typeof m === 'string' ? (s) => s.includes(m) : (s) => m.test(s);
}

function showText(m: TextMatch | undefined): string {
  return m === undefined ? '' : typeof m === 'string' ? ` ${JSON.stringify(m)}` : ` ${m}`;
}

/**
 * The server wrote an FTP reply ('ftp-reply', the moment the server model writes it, before the bytes
 * travel). `code` may be a class: '2xx'. `text`: a part of the reply's text, or a RegExp.
 */
export function reply(
  code?: number | string,
  text?: TextMatch,
  session?: ConnPattern,
): Query<EntryOf<'ftp-reply'>> {
  const codeOk = codeTest(code);
  const textOk = textTest(text);
  const sessionOk = connTest(session);
  const what = `FTP reply ${code ?? '(any code)'}${showText(text)}${onConn(session)}`;
  return new Query(
    what,
    (e) => e.kind === 'ftp-reply' && codeOk(e.code) && textOk(e.text) && sessionOk(e.session),
  );
}

/** A client model has read a complete reply ('client-reply': the reply arrived at the client). */
export function clientReply(code?: number | string, client?: string): Query<EntryOf<'client-reply'>> {
  const codeOk = codeTest(code);
  const what = `FTP reply ${code ?? '(any code)'} read by ${client ?? 'a client'}`;
  return new Query(
    what,
    (e) => e.kind === 'client-reply' && codeOk(e.code) && (client === undefined || e.client === client),
  );
}

function codeTest(code: number | string | undefined): (c: number) => boolean {
  if (code === undefined) return () => true;
  if (typeof code === 'number') return (c) => c === code;
  const m = /^([1-5])xx$/.exec(code);
  if (m) return (c) => Math.floor(c / 100) === Number(m[1]);
  if (/^\d{3}$/.test(code)) return (c) => c === Number(code);
  throw new UsageError(`reply code '${code}': write a number (226) or a class ('2xx')`);
}

/**
 * The server parsed a command line; `verb` (case-insensitive) is its first word, `arg` the rest (a string
 * is the whole argument, a RegExp searches it).
 */
export function command(
  verb?: string,
  arg?: TextMatch,
  session?: ConnPattern,
): Query<EntryOf<'ftp-command'>> {
  const argOk =
    arg === undefined
      ? () => true
      : typeof arg === 'string'
        ? (a: string) => a === arg
        : (a: string) => arg.test(a);
  const sessionOk = connTest(session);
  const v = verb?.toUpperCase();
  const what = `FTP command ${verb ?? '(any)'}${showText(arg)}${onConn(session)}`;
  return new Query(what, (e) => {
    if (e.kind !== 'ftp-command' || !sessionOk(e.session)) return false;
    const space = e.line.indexOf(' ');
    const word = (space < 0 ? e.line : e.line.slice(0, space)).toUpperCase();
    return (v === undefined || word === v) && argOk(space < 0 ? '' : e.line.slice(space + 1));
  });
}

/** Fields of a W3C line, by what they mean (the column each is written in). */
export interface LogFields {
  /** cs-method, case-insensitive: 'RETR', 'ControlChannelOpened'. */
  readonly method?: string;
  /** cs-uri-stem: the argument as logged. */
  readonly uri?: string;
  /** sc-status: 226, a class '4xx', or '-' for a channel event. */
  readonly status?: number | string;
  /** sc-win32-status. */
  readonly win32?: number;
  /** sc-substatus. */
  readonly substatus?: number;
  /** s-port: 21 for commands, the data port for DataChannel lines. */
  readonly port?: number;
  /** cs-username. */
  readonly user?: string;
  /** x-fullpath. */
  readonly path?: string;
  /** The session (its control connection's name), a pattern. */
  readonly session?: ConnPattern;
}

/** The server wrote a W3C log line with these fields. */
export function logLine(fields: LogFields): Query<EntryOf<'ftp-log'>> {
  const f = fields;
  const status =
    f.status === undefined || f.status === '-'
      ? undefined
      : codeTest(typeof f.status === 'number' ? f.status : f.status);
  const sessionOk = connTest(f.session);
  const parts = Object.entries(f).map(([k, v]) => `${k}=${v}`);
  return new Query(`a log line with ${parts.join(' ') || 'any fields'}`, (e) => {
    if (e.kind !== 'ftp-log') return false;
    const l = e.entry;
    if (f.method !== undefined && l.method.toUpperCase() !== f.method.toUpperCase()) return false;
    if (f.uri !== undefined && l.uriStem !== f.uri) return false;
    if (f.status === '-' && l.status !== '-' && l.status !== '') return false;
    if (status !== undefined && !(/^\d{3}$/.test(l.status) && status(Number(l.status)))) return false;
    if (f.win32 !== undefined && l.win32 !== f.win32) return false;
    if (f.substatus !== undefined && l.substatus !== f.substatus) return false;
    if (f.port !== undefined && l.serverPort !== f.port) return false;
    if (f.user !== undefined && l.user !== f.user) return false;
    if (f.path !== undefined && l.fullPath !== f.path) return false;
    return sessionOk(e.session);
  });
}

/** The server's data channel entered a state ('ftp-data', the model's names: 'LISTENING', 'ESTABLISHED'...). */
export function dataState(to?: string, session?: ConnPattern): Query<EntryOf<'ftp-data'>> {
  const sessionOk = connTest(session);
  return new Query(
    `data channel entering ${to ?? 'a state'}${onConn(session)}`,
    (e) => e.kind === 'ftp-data' && (to === undefined || e.to === to) && sessionOk(e.session),
  );
}

/** How a client's run ended ('client-verdict'). */
export function verdict(v?: string, client?: string): Query<EntryOf<'client-verdict'>> {
  return new Query(
    `verdict ${v ?? '(any)'} of ${client ?? 'a client'}`,
    (e) =>
      e.kind === 'client-verdict' &&
      (v === undefined || e.verdict === v) &&
      (client === undefined || e.client === client),
  );
}
