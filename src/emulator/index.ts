/** The emulator: the FTP 7.5 model served on real sockets (`netstep serve`). */

export { type Clock, wallClock } from './clock.ts';
export { type Emulator, startEmulator } from './emulator.ts';
export {
  DEFAULT_LIMITS,
  type EmulatorOptions,
  type Limits,
  type Observed,
  parseBytes,
  parsePortRange,
  parseTimeouts,
  parseUser,
} from './options.ts';
export { type LoadedSite, loadDirectory, siteBytes, siteSize } from './site.ts';
