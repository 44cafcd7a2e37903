/**
 * Win32 status codes and FTP substatus numbers of the FTP 7.5 model: the values the W3C log writes in
 * sc-win32-status and sc-substatus, the FormatMessage texts that 550 replies carry, and the substatus
 * descriptions that the "Error details:" line of a detailed error shows.
 *
 * Owns: the code → text tables. Leaves out: how a session turns them into replies (the trailing space of a
 * 550, the detailed multi-line form): that is the session's table of replies.
 *
 * Sources: ftp75-facts §3.3 (Win32) and §3.4 (substatus); the substatus descriptions are those of KB 969061
 * ("The FTP status codes in IIS 7.0 and later versions"), word for word.
 */

import { UsageError } from '../../sim/errors.ts';

/** Win32 error codes that the model produces. Names as in winerror.h without the ERROR_ prefix. */
export const WIN32 = {
  SUCCESS: 0,
  FILE_NOT_FOUND: 2,
  PATH_NOT_FOUND: 3,
  ACCESS_DENIED: 5,
  SHARING_VIOLATION: 32,
  NETNAME_DELETED: 64,
  INVALID_PARAMETER: 87,
  SEM_TIMEOUT: 121,
  INVALID_NAME: 123,
  DIR_NOT_EMPTY: 145,
  ALREADY_EXISTS: 183,
  FILENAME_EXCED_RANGE: 206,
  DIRECTORY: 267,
  OPERATION_ABORTED: 995,
  CONNECTION_ABORTED: 1236,
  LOGON_FAILURE: 1326,
  WSAECONNABORTED: 10053,
  WSAECONNRESET: 10054,
  WSAETIMEDOUT: 10060,
} as const;

export type Win32Name = keyof typeof WIN32;
export type Win32Code = (typeof WIN32)[Win32Name];

/**
 * FormatMessage texts (English), without the trailing space that FormatMessage leaves and IIS keeps on 550
 * replies (facts §1: `550 The system cannot find the file specified. `): the session adds it.
 * VERIFIED (facts §3.3): 0, 2, 3, 5, 32, 87, 123 (as reply texts). The others are the standard English
 * system messages; INFERRED (facts §3.3 marks their texts as not seen in an IIS transcript).
 */
const TEXTS: Readonly<Record<Win32Code, string>> = {
  0: 'The operation completed successfully.',
  2: 'The system cannot find the file specified.',
  3: 'The system cannot find the path specified.',
  5: 'Access is denied.',
  32: 'The process cannot access the file because it is being used by another process.',
  64: 'The specified network name is no longer available.',
  87: 'The parameter is incorrect.',
  121: 'The semaphore timeout period has expired.',
  123: 'The filename, directory name, or volume label syntax is incorrect.',
  145: 'The directory is not empty.',
  183: 'Cannot create a file when that file already exists.',
  206: 'The filename or extension is too long.',
  267: 'The directory name is invalid.',
  995: 'The I/O operation has been aborted because of either a thread exit or an application request.',
  1236: 'The network connection was aborted by the local system.',
  // INFERRED (facts §3.3 gives the value, not the text): Windows Server 2008 R2, which ships FTP 7.5, words
  // ERROR_LOGON_FAILURE this way; Windows 8 and later say 'The user name or password is incorrect.'.
  1326: 'Logon failure: unknown user name or bad password.',
  10053: 'An established connection was aborted by the software in your host machine.',
  10054: 'An existing connection was forcibly closed by the remote host.',
  10060:
    'A connection attempt failed because the connected party did not properly respond after a period of time, ' +
    'or established connection failed because connected host has failed to respond.',
};

export function isWin32Code(code: number): code is Win32Code {
  return Object.hasOwn(TEXTS, code);
}

/**
 * The FormatMessage text of a code, e.g. 2 → 'The system cannot find the file specified.'. A code outside the
 * table is the caller's mistake (the model only produces codes it knows), so it throws rather than invent text.
 */
export function win32Text(code: number): string {
  if (!isWin32Code(code)) throw new UsageError(`win32Text: no text for Win32 code ${code}`);
  return TEXTS[code];
}

/** FTP substatus numbers (sc-substatus), named after their KB 969061 descriptions. */
export const SUBSTATUS = {
  SUCCESS: 0,
  AUTHORIZATION_DENIED: 1,
  FILE_SYSTEM_DENIED: 2,
  FILE_SYSTEM_ERROR: 3,
  IP_RESTRICTION: 4,
  ROOT_WRITE_FORBIDDEN: 5,
  SHORT_NAME_CHECK_FAILED: 6,
  SHORT_NAMES_FORBIDDEN: 7,
  HIDDEN_SEGMENT: 8,
  DENIED_URL_SEQUENCE: 9,
  HIGH_BIT_CHARACTERS: 10,
  EXTENSION_DENIED: 11,
  PATH_TOO_LONG: 12,
  NOT_FILE_OR_DIRECTORY: 13,
  CONTROL_TIMEOUT: 14,
  DATA_TIMEOUT: 15,
  NEW_CONNECTION_TIMEOUT: 16,
  INVALID_SITE_CONFIGURATION: 17,
  INVALID_CONFIGURATION: 18,
  MAX_CONNECTIONS: 19,
  ABOR: 20,
  SITE_STOPPING: 21,
  DATA_ABORTED_BY_SERVER: 22,
  DATA_ABORTED_BY_CLIENT: 23,
  SSL_REQUIRED_DATA: 24,
  SSL_REQUIRED_CONTROL: 25,
  SSL_REQUIRED_CREDENTIALS: 26,
  SSL_DENIED_DATA: 27,
  SSL_DENIED_DATA_28: 28,
  SSL_DENIED_CREDENTIALS: 29,
  SSL_DENIED_COMMANDS: 30,
  SSL_CERT_NOT_CONFIGURED: 31,
  SSL_INIT_FAILED: 32,
  HOME_LOOKUP_FAILED: 33,
  CUSTOM_AUTH_FAILED: 34,
  USER_AUTH_FAILED: 35,
  ALL_AUTH_DISABLED: 36,
  HOSTNAME_MISMATCH: 37,
  IP_MISMATCH: 38,
  MAX_FILE_SIZE: 39,
  AD_NEEDS_BASIC_AUTH: 40,
  AUTH_ERROR: 41,
  ANONYMOUS_NOT_ALLOWED: 42,
  PROT_REQUIRED: 43,
  SSL_CERT_NOT_FOUND: 44,
  SSL_PRIVATE_KEY_NOT_FOUND: 45,
  SSL_CERT_HASH_LENGTH: 46,
  SSL_CLIENT_CERT_REQUIRED: 47,
  SSL_CLIENT_CERT_INVALID: 48,
  SSL_CLIENT_CERT_MISMATCH: 49,
  MIN_BANDWIDTH: 50,
  COMMAND_FILTERING: 51,
  ADMIN_DISCONNECT: 52,
  CONNECTION_ERROR: 53,
  CONFIGURATION_CHANGE: 54,
  ENCRYPTION_128_REQUIRED: 55,
} as const;

export type SubstatusName = keyof typeof SUBSTATUS;
export type Substatus = (typeof SUBSTATUS)[SubstatusName];

/**
 * KB 969061 descriptions, word for word, except two repairs of that page's typesetting: 39 and 40 are run
 * together on one line there ("Maximum file size was exceeded. 40ActiveDirectory Isolation must be ..."), and
 * 28 repeats 27's text (kept, since it is what the page says).
 */
const DESCRIPTIONS: Readonly<Record<Substatus, string>> = {
  0: 'Successful operation.',
  1: 'Authorization rules denied the access.',
  2: 'File system denied the access.',
  3: 'File system returned an error.',
  4: 'IP restriction rules denied the access.',
  5: 'Write access for the root of the virtual directory is forbidden.',
  6: 'Short file name check has failed.',
  7: 'Short file names are forbidden.',
  8: 'Hidden segment was detected in the path based on request filtering rules.',
  9: 'Denied Url sequence detected in the path based on request filtering rules.',
  10: 'High bit characters detected in the path based on request filtering rules.',
  11: 'File extension was denied based on request filtering rules.',
  12: 'Path is too long based on request filtering rules.',
  13: 'Attempt was made to open object that is not a file or directory.',
  14: 'Control channel timed out.',
  15: 'Data channel timed out.',
  16: 'Control channel timed out based on new connection timeout.',
  17: 'Invalid site configuration.',
  18: 'Invalid configuration.',
  19: 'Maximum connection limit was reached.',
  20: 'Data channel was closed by ABOR command from client.',
  21: 'Site is being stopped.',
  22: 'Data channel was aborted by server due to an error.',
  23: 'Data channel was aborted by client.',
  24: 'SSL policy requires SSL for data channel.',
  25: 'SSL policy requires SSL for control channel.',
  26: 'SSL policy requires SSL for credentials.',
  27: 'SSL policy denies SSL for data channel.',
  28: 'SSL policy denies SSL for data channel.',
  29: 'SSL policy denies SSL for credentials.',
  30: 'SSL policy denies SSL for commands.',
  31: 'SSL certificate was not configured.',
  32: 'SSL initialization failed.',
  33: 'Home directory lookup failed.',
  34: 'Custom authentication call failed.',
  35: 'User failed to authenticate.',
  36: 'All authentication methods are disabled.',
  37: "Hostname didn't match any configured ftp site.",
  38: "Client IP on the control channel didn't match the client IP on the data channel.",
  39: 'Maximum file size was exceeded.',
  40: 'ActiveDirectory Isolation must be combined with basic authentication.',
  41: 'An error occurred during the authentication process.',
  42: 'Anonymous authentication is not allowed.',
  43: 'Protection negotiation failed. PROT command with recognized parameter must precede this command.',
  44: 'SSL certificate was not found.',
  45: 'Private key was not found for the specified SSL certificate.',
  46: 'SSL certificate hash has invalid length.',
  47: 'SSL policy requires client certificate.',
  48: 'User provided invalid client certificate.',
  49: 'SSL policy requires matching client certificate for control and data channel.',
  50: 'Data channel timed out due to not meeting the minimum bandwidth requirement.',
  51: 'Command filtering rules denied the access.',
  52: 'Session disconnected by administrator.',
  53: 'Connection error.',
  54: 'Session closed because of configuration change.',
  55: '128-bit encryption is required for SSL connections.',
};

export function isSubstatus(n: number): n is Substatus {
  return Object.hasOwn(DESCRIPTIONS, n);
}

/** The KB 969061 description of a substatus, e.g. 38 → "Client IP on the control channel didn't match ...". */
export function substatusText(n: number): string {
  if (!isSubstatus(n)) throw new UsageError(`substatusText: no FTP substatus ${n} (they run from 0 to 55)`);
  return DESCRIPTIONS[n];
}
