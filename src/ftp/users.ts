/**
 * Who may log in to the FTP site and where each session starts: local Windows users, domain users, anonymous
 * access, the user-isolation modes of ftpServer/userIsolation (facts §4.5) and, for Active Directory isolation,
 * an in-memory directory holding each user's msIIS-FTPRoot and msIIS-FTPDir (KB 2505047).
 *
 * Owns: checking a USER/PASS pair, the home-directory layout, the session's jail and first directory, the
 * name the W3C log writes. Leaves out: IIS Manager and ASP.NET membership users, FTP authorization rules,
 * group membership, account lockout, the 'Custom' isolation mode, and virtual directories: so the two
 * isolation modes that differ only in how global virtual directories are seen (IsolateAllDirectories and
 * IsolateRootDirectoryOnly) behave the same here.
 *
 * Names compare case-insensitively (Windows accounts); passwords case-sensitively.
 */

import { assertNever } from '../../sim/errors.ts';
import { type Fs, type FsResult, lookup, realPath } from './fs.ts';
import { cleanName, pathOf } from './fs-path.ts';
import { SUBSTATUS, WIN32 } from './win32.ts';

export type IsolationMode =
  | 'None'
  | 'StartInUsersDirectory'
  | 'IsolateAllDirectories'
  | 'IsolateRootDirectoryOnly'
  | 'ActiveDirectory';

/** A Windows account: local to the server when `domain` is absent, else a domain account. */
export interface LocalUser {
  readonly name: string;
  readonly password: string;
  readonly domain?: string;
}

/** A user object of the in-memory Active Directory, with the two attributes FTP isolation reads. */
export interface AdUser {
  readonly name: string;
  readonly password: string;
  /** e.g. '\\\\fileserver\\ftp' or 'D:\\ftproot': see `adHomePath` for how it maps into the site. */
  readonly 'msIIS-FTPRoot'?: string;
  /** e.g. 'alice': the home directory relative to msIIS-FTPRoot. */
  readonly 'msIIS-FTPDir'?: string;
}

export interface AdDirectory {
  /** NetBIOS name of the domain, e.g. 'CONTOSO'; what the log writes before '\\'. */
  readonly domain: string;
  readonly users: readonly AdUser[];
  /**
   * The account whose msIIS-FTPRoot/msIIS-FTPDir give the anonymous user's home in ActiveDirectory mode (IIS
   * impersonates a configured domain account for anonymous users; KB 2505047 asks for its directory too).
   * Absent: anonymous logins fail with "home directory inaccessible".
   */
  readonly anonymousAccount?: string;
}

export interface UserDb {
  readonly users: readonly LocalUser[];
  /** Anonymous authentication enabled. Off by default, as in IIS. */
  readonly anonymous: boolean;
  readonly isolation: IsolationMode;
  readonly directory?: AdDirectory;
  /** Default logon domain: a bare user name that is not a local account is looked up there. */
  readonly domain?: string;
  /** The server's computer name, written before a local user's name in the log. */
  readonly machine?: string;
}

/**
 * INFERRED: the server's computer name when the configuration gives none. Windows makes names like
 * 'WIN-...' at setup; any fixed name keeps logs reproducible, and this one says what it is.
 */
export const DEFAULT_MACHINE = 'FTPSERVER';

export const DEFAULT_USER_DB: UserDb = { users: [], anonymous: false, isolation: 'None' };

export type LoginFailure = 'bad-password' | 'anonymous-disabled' | 'home-inaccessible';

export type LoginResult =
  | {
      ok: true;
      /** The session's jail: the virtual path the client sees as '/' ('/' when not isolated). */
      root: string;
      /** Where the session starts (inside root). */
      cwd: string;
      /** cs-username as the W3C log writes it: '-' for anonymous, 'MACHINE\\user' or 'DOMAIN\\user'. */
      logName: string;
      anonymous: boolean;
    }
  | { ok: false; win32: number; substatus: number; reason: LoginFailure };

/** USER names that mean anonymous logon (facts §1: `USER anonymous` / `USER ftp`). */
export function isAnonymousName(user: string): boolean {
  const u = user.toLowerCase();
  return u === 'anonymous' || u === 'ftp';
}

/**
 * What cs-uri-stem shows for PASS: the anonymous password (the client's e-mail identity) verbatim, every
 * other password as '***' (facts §1, VERIFIED in a real IIS log: `PASS IEUser@`, `PASS ***`).
 */
export function passwordForLog(user: string, password: string): string {
  return isAnonymousName(user) ? password : '***';
}

/** Who the account is once the name is parsed and found. */
type Account =
  | { kind: 'anonymous' }
  | { kind: 'local'; user: LocalUser }
  | { kind: 'domain'; user: LocalUser; domain: string }
  | { kind: 'ad'; user: AdUser; domain: string };

/**
 * Checks USER/PASS and places the session.
 * - Bad password or unknown user → win32 1326 (ERROR_LOGON_FAILURE), substatus 41 (facts §3.2, `PASS *** 530
 *   1326 41`). Unknown users and bad passwords are not told apart, as Windows does not.
 * - Anonymous while anonymous authentication is off → 1326, substatus 42 (`PASS IEUser@ 530 1326 42`).
 * - Home directory missing under isolation → 'home-inaccessible' (the session replies `530 User cannot log
 *   in, home directory inaccessible.`), substatus 33 "Home directory lookup failed." INFERRED (facts §4.5): the
 *   mapping to 33 is ours; win32 3 (ERROR_PATH_NOT_FOUND) for a missing home or missing AD attributes, and
 *   267 (ERROR_DIRECTORY) when the home is a file, the codes a lookup of that path gives.
 */
export function login(db: UserDb, fs: Fs, user: string, password: string): LoginResult {
  const account = findAccount(db, user, password);
  if (!account.ok) return account;
  const a = account.value;
  const machine = db.machine ?? DEFAULT_MACHINE;
  const logName =
    a.kind === 'anonymous'
      ? '-'
      : a.kind === 'local'
        ? `${machine}\\${a.user.name}`
        : `${a.domain}\\${a.user.name}`;
  const anonymous = a.kind === 'anonymous';
  const placed = place(db, fs, a);
  if (!placed.ok) return homeInaccessible(placed.win32);
  return { ok: true, ...placed.value, logName, anonymous };
}

type LoginDenied = Extract<LoginResult, { ok: false }>;

function findAccount(
  db: UserDb,
  typed: string,
  password: string,
): { ok: true; value: Account } | LoginDenied {
  if (isAnonymousName(typed)) {
    if (!db.anonymous) return denied(SUBSTATUS.ANONYMOUS_NOT_ALLOWED, 'anonymous-disabled');
    return { ok: true, value: { kind: 'anonymous' } };
  }
  const { domain, name } = splitUserName(typed);
  const machine = db.machine ?? DEFAULT_MACHINE;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const isLocalDomain = domain === undefined || domain === '.' || same(domain, machine);
  if (db.isolation === 'ActiveDirectory' && db.directory) {
    const dir = db.directory;
    if (domain === undefined || same(domain, dir.domain)) {
      const u = dir.users.find((x) => same(x.name, name));
      if (u) {
        if (u.password !== password) return denied(SUBSTATUS.AUTH_ERROR, 'bad-password');
        return { ok: true, value: { kind: 'ad', user: u, domain: dir.domain } };
      }
    }
  }
  const candidates = db.users.filter((u) =>
    isLocalDomain
      ? u.domain === undefined ||
        (domain === undefined && db.domain !== undefined && same(u.domain, db.domain))
      : u.domain !== undefined && same(u.domain, domain),
  );
  // A local account wins over one of the default logon domain with the same name, as Windows resolves it.
  const u =
    candidates.find((x) => same(x.name, name) && x.domain === undefined) ??
    candidates.find((x) => same(x.name, name));
  if (u === undefined || u.password !== password) return denied(SUBSTATUS.AUTH_ERROR, 'bad-password');
  return u.domain === undefined
    ? { ok: true, value: { kind: 'local', user: u } }
    : { ok: true, value: { kind: 'domain', user: u, domain: u.domain } };
}

/** 'DOMAIN\\user' or 'user@domain' (UPN, its first label taken as the NetBIOS name) or a bare 'user'. */
export function splitUserName(typed: string): { domain?: string; name: string } {
  const slash = typed.indexOf('\\');
  if (slash >= 0) return { domain: typed.slice(0, slash), name: typed.slice(slash + 1) };
  const at = typed.lastIndexOf('@');
  if (at > 0) return { domain: typed.slice(at + 1).split('.')[0]!, name: typed.slice(0, at) };
  return { name: typed };
}

/** The session's jail and first directory under the site's isolation mode (facts §4.5). */
function place(db: UserDb, fs: Fs, a: Account): FsResult<{ root: string; cwd: string }> {
  switch (db.isolation) {
    case 'None':
      // "Do not isolate users. Start users in: FTP root directory" (the default).
      return { ok: true, value: { root: '/', cwd: '/' } };
    case 'StartInUsersDirectory': {
      // "start in the physical or virtual directory with the same name of the currently logged on user if the
      // folder exists; otherwise ... the root directory" (WT-iso). INFERRED: anonymous users look for a
      // directory named 'anonymous', the account name they log in with.
      const name = a.kind === 'anonymous' ? 'anonymous' : a.user.name;
      const home = safeDir(fs, [name]);
      return { ok: true, value: { root: '/', cwd: home.ok ? home.value : '/' } };
    }
    case 'IsolateAllDirectories':
    case 'IsolateRootDirectoryOnly': {
      // Home layout (WT-iso table): LocalUser\Public, LocalUser\<user>, <domain>\<user>.
      const segs =
        a.kind === 'anonymous'
          ? ['LocalUser', 'Public']
          : a.kind === 'local'
            ? ['LocalUser', a.user.name]
            : [a.domain, a.user.name];
      return jailAt(safeDir(fs, segs));
    }
    case 'ActiveDirectory': {
      const dir = db.directory;
      const adUser =
        a.kind === 'ad'
          ? a.user
          : a.kind === 'anonymous' && dir?.anonymousAccount !== undefined
            ? dir.users.find((u) => u.name.toLowerCase() === dir.anonymousAccount!.toLowerCase())
            : undefined;
      const root = adUser?.['msIIS-FTPRoot'];
      const sub = adUser?.['msIIS-FTPDir'];
      if (root === undefined || sub === undefined) return { ok: false, win32: WIN32.PATH_NOT_FOUND };
      const home = adHomePath(root, sub);
      if (!home.ok) return home;
      return jailAt(safeDir(fs, home.value === '/' ? [] : home.value.slice(1).split('/')));
    }
    default:
      return assertNever(db.isolation, 'user isolation mode');
  }
}

/**
 * Where an AD home (msIIS-FTPRoot + msIIS-FTPDir) lives in the site's in-memory tree.
 *
 * The model has one tree per site, which stands for every share the FTP service can reach. So a UNC root
 * `\\server\share\x` maps to `/server/share/x`, a drive root `D:\ftp` to `/D/ftp` (the drive letter becomes
 * a directory), and msIIS-FTPDir is appended: `\\fs1\ftp` + `alice` → `/fs1/ftp/alice`. Server and share
 * names are compared case-insensitively like every other name. A value that is not a valid Windows path
 * (a forbidden character, '..' in msIIS-FTPDir) is 123.
 */
export function adHomePath(ftpRoot: string, ftpDir: string): FsResult<string> {
  const root = ftpRoot.replaceAll('/', '\\');
  const drive = /^([A-Za-z]):(\\|$)/.exec(root);
  const rest = drive ? root.slice(2) : root;
  const segs = [
    ...(drive ? [drive[1]!.toUpperCase()] : []),
    ...rest.split('\\'),
    ...ftpDir.replaceAll('/', '\\').split('\\'),
  ];
  const out: string[] = [];
  for (const s of segs) {
    if (s === '') continue;
    if (s === '.' || s === '..') return { ok: false, win32: WIN32.INVALID_NAME };
    const n = cleanName(s);
    if (!n.ok) return n;
    out.push(n.value);
  }
  return { ok: true, value: pathOf(out) };
}

/** The stored-case path of an existing directory at `segs`, or why it is not there. */
function safeDir(fs: Fs, segs: readonly string[]): FsResult<string> {
  const names: string[] = [];
  for (const s of segs) {
    const n = cleanName(s);
    if (!n.ok) return { ok: false, win32: WIN32.PATH_NOT_FOUND };
    names.push(n.value);
  }
  const path = pathOf(names);
  const found = lookup(fs, path);
  if (!found.ok) return { ok: false, win32: WIN32.PATH_NOT_FOUND };
  if (found.value.kind !== 'dir') return { ok: false, win32: WIN32.DIRECTORY };
  return { ok: true, value: realPath(fs, path) };
}

function jailAt(home: FsResult<string>): FsResult<{ root: string; cwd: string }> {
  return home.ok ? { ok: true, value: { root: home.value, cwd: home.value } } : home;
}

function denied(substatus: number, reason: LoginFailure): LoginDenied {
  return { ok: false, win32: WIN32.LOGON_FAILURE, substatus, reason };
}

function homeInaccessible(win32: number): LoginDenied {
  return { ok: false, win32, substatus: SUBSTATUS.HOME_LOOKUP_FAILED, reason: 'home-inaccessible' };
}
