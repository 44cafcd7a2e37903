import { describe, expect, it } from 'vitest';
import { fsFromEntries } from '../../../../src/ftp/fs.ts';
import {
  adHomePath,
  type IsolationMode,
  isAnonymousName,
  type LoginResult,
  login,
  passwordForLog,
  splitUserName,
  type UserDb,
} from '../../../../src/ftp/users.ts';
import { SUBSTATUS, WIN32 } from '../../../../src/ftp/win32.ts';

/** A site laid out for every isolation mode at once (WT-iso home directory table). */
const SITE = fsFromEntries(
  {
    'LocalUser/Public/welcome.txt': 'hi',
    'LocalUser/Alice/a.txt': 'a',
    'CONTOSO/carol/c.txt': 'c',
    'alice/': null, // StartInUsersDirectory: a folder named after the user
    'anonymous/': null,
    'dave.txt': 'not a directory',
    'LocalUser/dave': 'a file where a home should be',
    'fs1/ftp/carol/': null, // AD: \\fs1\ftp + carol
    'D/ftproot/erin/': null, // AD: D:\ftproot + erin
  },
  0,
);

const USERS: UserDb['users'] = [
  { name: 'Alice', password: 'Secr3t' },
  { name: 'bob', password: 'pw' }, // no home anywhere
  { name: 'dave', password: 'pw' },
  { name: 'carol', password: 'dom', domain: 'CONTOSO' },
];

const AD: UserDb['directory'] = {
  domain: 'CONTOSO',
  users: [
    { name: 'carol', password: 'dom', 'msIIS-FTPRoot': '\\\\fs1\\ftp', 'msIIS-FTPDir': 'carol' },
    { name: 'erin', password: 'e', 'msIIS-FTPRoot': 'D:\\ftproot', 'msIIS-FTPDir': 'erin' },
    { name: 'frank', password: 'f', 'msIIS-FTPRoot': '\\\\fs1\\ftp' }, // no msIIS-FTPDir
    { name: 'gina', password: 'g', 'msIIS-FTPRoot': '\\\\fs1\\ftp', 'msIIS-FTPDir': 'gina' }, // folder missing
    { name: 'IUSR_FTP', password: '', 'msIIS-FTPRoot': '\\\\FS1\\FTP', 'msIIS-FTPDir': 'Carol' },
  ],
};

function db(isolation: IsolationMode, more: Partial<UserDb> = {}): UserDb {
  return { users: USERS, anonymous: true, isolation, machine: 'WEB01', directory: AD, ...more };
}

const placed = (root: string, cwd: string, logName: string, anonymous = false): LoginResult => ({
  ok: true,
  root,
  cwd,
  logName,
  anonymous,
});
const HOME_INACCESSIBLE = (win32: number): LoginResult => ({
  ok: false,
  win32,
  substatus: SUBSTATUS.HOME_LOOKUP_FAILED,
  reason: 'home-inaccessible',
});
const BAD_PASSWORD: LoginResult = {
  ok: false,
  win32: WIN32.LOGON_FAILURE,
  substatus: SUBSTATUS.AUTH_ERROR,
  reason: 'bad-password',
};
const ANON_DISABLED: LoginResult = {
  ok: false,
  win32: WIN32.LOGON_FAILURE,
  substatus: SUBSTATUS.ANONYMOUS_NOT_ALLOWED,
  reason: 'anonymous-disabled',
};

// [mode, USER, PASS, result]
const CASES: [IsolationMode, string, string, LoginResult][] = [
  // None (default): everyone at the root
  ['None', 'Alice', 'Secr3t', placed('/', '/', 'WEB01\\Alice')],
  ['None', 'alice', 'Secr3t', placed('/', '/', 'WEB01\\Alice')],
  ['None', 'bob', 'pw', placed('/', '/', 'WEB01\\bob')],
  ['None', 'anonymous', 'IEUser@', placed('/', '/', '-', true)],
  ['None', 'FTP', 'guest@example.com', placed('/', '/', '-', true)],
  ['None', 'CONTOSO\\carol', 'dom', placed('/', '/', 'CONTOSO\\carol')],
  ['None', 'carol@contoso.com', 'dom', placed('/', '/', 'CONTOSO\\carol')],
  ['None', 'WEB01\\alice', 'Secr3t', placed('/', '/', 'WEB01\\Alice')],
  ['None', '.\\alice', 'Secr3t', placed('/', '/', 'WEB01\\Alice')],
  // StartInUsersDirectory: the user's folder if it exists, else the root; never a jail
  ['StartInUsersDirectory', 'ALICE', 'Secr3t', placed('/', '/alice', 'WEB01\\Alice')],
  ['StartInUsersDirectory', 'bob', 'pw', placed('/', '/', 'WEB01\\bob')],
  ['StartInUsersDirectory', 'dave', 'pw', placed('/', '/', 'WEB01\\dave')],
  ['StartInUsersDirectory', 'anonymous', 'x@', placed('/', '/anonymous', '-', true)],
  // IsolateAllDirectories / IsolateRootDirectoryOnly: LocalUser\Public, LocalUser\<user>, <domain>\<user>
  [
    'IsolateAllDirectories',
    'alice',
    'Secr3t',
    placed('/LocalUser/Alice', '/LocalUser/Alice', 'WEB01\\Alice'),
  ],
  ['IsolateAllDirectories', 'anonymous', 'x@', placed('/LocalUser/Public', '/LocalUser/Public', '-', true)],
  [
    'IsolateAllDirectories',
    'contoso\\Carol',
    'dom',
    placed('/CONTOSO/carol', '/CONTOSO/carol', 'CONTOSO\\carol'),
  ],
  ['IsolateAllDirectories', 'bob', 'pw', HOME_INACCESSIBLE(WIN32.PATH_NOT_FOUND)],
  ['IsolateAllDirectories', 'dave', 'pw', HOME_INACCESSIBLE(WIN32.DIRECTORY)],
  [
    'IsolateRootDirectoryOnly',
    'alice',
    'Secr3t',
    placed('/LocalUser/Alice', '/LocalUser/Alice', 'WEB01\\Alice'),
  ],
  ['IsolateRootDirectoryOnly', 'ftp', 'x@', placed('/LocalUser/Public', '/LocalUser/Public', '-', true)],
  ['IsolateRootDirectoryOnly', 'bob', 'pw', HOME_INACCESSIBLE(WIN32.PATH_NOT_FOUND)],
  // ActiveDirectory: home = msIIS-FTPRoot + msIIS-FTPDir
  ['ActiveDirectory', 'carol', 'dom', placed('/fs1/ftp/carol', '/fs1/ftp/carol', 'CONTOSO\\carol')],
  ['ActiveDirectory', 'CONTOSO\\erin', 'e', placed('/D/ftproot/erin', '/D/ftproot/erin', 'CONTOSO\\erin')],
  ['ActiveDirectory', 'frank', 'f', HOME_INACCESSIBLE(WIN32.PATH_NOT_FOUND)],
  ['ActiveDirectory', 'gina', 'g', HOME_INACCESSIBLE(WIN32.PATH_NOT_FOUND)],
  ['ActiveDirectory', 'alice', 'Secr3t', HOME_INACCESSIBLE(WIN32.PATH_NOT_FOUND)], // a local account has no AD home
  ['ActiveDirectory', 'anonymous', 'x@', HOME_INACCESSIBLE(WIN32.PATH_NOT_FOUND)], // no anonymousAccount set
  ['ActiveDirectory', 'carol', 'wrong', BAD_PASSWORD],
  // failures: the same in every mode
  ['None', 'alice', 'secr3t', BAD_PASSWORD], // passwords are case-sensitive
  ['None', 'alice', '', BAD_PASSWORD],
  ['None', 'mallory', 'pw', BAD_PASSWORD], // unknown user: not told apart
  ['None', 'OTHER\\carol', 'dom', BAD_PASSWORD], // wrong domain
  ['None', 'carol', 'dom', BAD_PASSWORD], // a domain account needs its domain (no default logon domain)
  ['IsolateAllDirectories', 'mallory', 'pw', BAD_PASSWORD], // the password is checked before the home
];

describe('login: every isolation mode', () => {
  it.each(CASES)('%s: USER %s / PASS %s', (mode, user, pass, want) => {
    expect(login(db(mode), SITE, user, pass)).toEqual(want);
  });
});

describe('anonymous access', () => {
  it('is off by default: 530 with win32 1326 and substatus 42, whatever the password', () => {
    for (const name of ['anonymous', 'ANONYMOUS', 'ftp']) {
      expect(login(db('None', { anonymous: false }), SITE, name, 'IEUser@')).toEqual(ANON_DISABLED);
    }
  });

  it('in ActiveDirectory mode, takes its home from the configured anonymous account', () => {
    const withAnon = db('ActiveDirectory', { directory: { ...AD, anonymousAccount: 'iusr_ftp' } });
    expect(login(withAnon, SITE, 'anonymous', 'me@')).toEqual(
      placed('/fs1/ftp/carol', '/fs1/ftp/carol', '-', true),
    );
  });

  it('logs the e-mail identity verbatim, every real password as ***', () => {
    expect(passwordForLog('anonymous', 'IEUser@')).toBe('IEUser@');
    expect(passwordForLog('Ftp', 'me@example.com')).toBe('me@example.com');
    expect(passwordForLog('alice', 'Secr3t')).toBe('***');
    expect(isAnonymousName('anonymous ')).toBe(false);
  });
});

describe('default logon domain and machine name', () => {
  it('a bare name falls back to the default logon domain, and a local account wins over it', () => {
    const users = [...USERS, { name: 'alice', password: 'domain-alice', domain: 'CONTOSO' }];
    const d = db('None', { users, domain: 'CONTOSO' });
    expect(login(d, SITE, 'carol', 'dom')).toEqual(placed('/', '/', 'CONTOSO\\carol'));
    expect(login(d, SITE, 'alice', 'Secr3t')).toEqual(placed('/', '/', 'WEB01\\Alice'));
    expect(login(d, SITE, 'CONTOSO\\alice', 'domain-alice')).toEqual(placed('/', '/', 'CONTOSO\\alice'));
  });

  it('writes FTPSERVER when no machine name is configured', () => {
    expect(login({ users: USERS, anonymous: false, isolation: 'None' }, SITE, 'bob', 'pw')).toMatchObject({
      logName: 'FTPSERVER\\bob',
    });
  });

  it.each([
    ['alice', { name: 'alice' }],
    ['CONTOSO\\alice', { domain: 'CONTOSO', name: 'alice' }],
    ['alice@contoso.example.com', { domain: 'contoso', name: 'alice' }],
    ['@alice', { name: '@alice' }],
  ])('splitUserName(%j)', (typed, want) => {
    expect(splitUserName(typed)).toEqual(want);
  });
});

describe('msIIS-FTPRoot + msIIS-FTPDir in the in-memory tree', () => {
  it.each([
    ['\\\\fs1\\ftp', 'carol', '/fs1/ftp/carol'],
    ['\\\\fs1\\ftp\\', '\\carol\\', '/fs1/ftp/carol'],
    ['\\\\fs1\\share\\sub', 'a\\b', '/fs1/share/sub/a/b'],
    ['D:\\ftproot', 'erin', '/D/ftproot/erin'],
    ['d:\\', 'erin', '/D/erin'],
    ['//fs1/ftp', 'carol', '/fs1/ftp/carol'],
  ])('%j + %j → %j', (root, dir, want) => {
    expect(adHomePath(root, dir)).toEqual({ ok: true, value: want });
  });

  it.each([
    ['\\\\fs1\\ftp', '..\\admin'],
    ['\\\\fs1\\ftp', 'a*'],
    ['\\\\fs1\\ftp:x', 'carol'],
  ])('%j + %j is not a valid home (123)', (root, dir) => {
    expect(adHomePath(root, dir)).toEqual({ ok: false, win32: WIN32.INVALID_NAME });
  });
});
