/**
 * The floor under `netstep serve` in the emulator benchmark: the socket work that netstep serve does for a
 * passive-mode RETR, on node:net, with no FTP model. What it costs is what netstep's design costs on node
 * before any FTP is decided; what netstep serve costs above it is the model and the emulator's driver.
 *
 * The same node:net calls as src/emulator/data.ts and driver.ts make for a download:
 * - a listener per PASV (allowHalfOpen, pauseOnConnect, noDelay, a backlog of 4) on the next port of the
 *   passive range, its 227 written once it listens, closed after its one connection;
 * - the data socket resumed with 'data', 'end', 'error' and 'close' listeners, as data.ts wires each one;
 * - the file sent as views of 256 KiB (emulator.ts SEND_CHUNK_BYTES), the next one written when the kernel
 *   took the last whole or, failing that, on 'drain';
 * - end() after the last one, and the 226 written on 'finish' (the FIN is in the kernel), as the driver does.
 *
 * Not an FTP server: it answers the benchmark's client only (USER, PASS, TYPE, PASV, RETR of the one file;
 * anything else gets 502), checks nothing, times nothing out and logs nothing.
 *
 * Usage: node --import tsx bench/emulator-floor.ts FILE LOW HIGH (the passive port range).
 */

import { readFileSync } from 'node:fs';
import net from 'node:net';

const CHUNK = 256 * 1024;

const [path, lowArg, highArg] = process.argv.slice(2);
if (path === undefined || lowArg === undefined || highArg === undefined) {
  process.stderr.write('usage: emulator-floor.ts FILE LOW HIGH\n');
  process.exit(2);
}
const file = readFileSync(path);
const low = Number(lowArg);
const high = Number(highArg);
let nextPort = low;

interface Passive {
  socket: net.Socket | null;
  /** RETR came before the connection: the transfer starts when it is accepted. */
  retrWaiting: boolean;
}

function session(control: net.Socket): void {
  let input = '';
  let passive: Passive | null = null;
  const reply = (line: string) => control.write(`${line}\r\n`);

  const send = (socket: net.Socket, offset: number) => {
    for (let at = offset; at < file.length; at += CHUNK) {
      socket.write(file.subarray(at, at + CHUNK));
      if (socket.writableLength > 0 && at + CHUNK < file.length) {
        socket.once('drain', () => send(socket, at + CHUNK));
        return;
      }
    }
    socket.once('finish', () => reply('226 Transfer complete.'));
    socket.end();
  };
  const retr = (socket: net.Socket) => {
    reply('150 Opening BINARY mode data connection.');
    send(socket, 0);
  };

  const pasv = () => {
    const port = nextPort;
    nextPort = nextPort >= high ? low : nextPort + 1;
    const p: Passive = { socket: null, retrWaiting: false };
    passive = p;
    const listener = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    listener.on('connection', (socket) => {
      listener.close();
      p.socket = socket;
      socket.on('data', () => {});
      socket.on('end', () => {});
      socket.on('error', () => {});
      socket.on('close', () => {});
      socket.resume();
      if (p.retrWaiting) retr(socket);
    });
    listener.listen({ host: '127.0.0.1', port, backlog: 4 }, () =>
      reply(`227 Entering Passive Mode (127,0,0,1,${port >> 8},${port & 255}).`),
    );
  };

  const command = (line: string) => {
    const verb = line.split(' ', 1)[0]!.toUpperCase();
    if (verb === 'USER') reply('331 Anonymous access allowed, send identity (e-mail name) as password.');
    else if (verb === 'PASS') reply('230 User logged in.');
    else if (verb === 'TYPE') reply('200 Type set to I.');
    else if (verb === 'PASV') pasv();
    else if (verb === 'RETR' && passive !== null) {
      const p = passive;
      passive = null;
      if (p.socket !== null) retr(p.socket);
      else p.retrWaiting = true;
    } else reply('502 Command not implemented.');
  };

  reply('220 Microsoft FTP Service');
  control.setEncoding('latin1');
  control.on('data', (chunk: string) => {
    input += chunk;
    for (let lf = input.indexOf('\n'); lf >= 0; lf = input.indexOf('\n')) {
      command(input.slice(0, lf).trimEnd());
      input = input.slice(lf + 1);
    }
  });
  control.on('error', () => {});
}

const server = net.createServer({ allowHalfOpen: true, noDelay: true }, session);
server.listen({ host: '127.0.0.1', port: 0 }, () => {
  const { port } = server.address() as net.AddressInfo;
  console.log(`listening on ftp://127.0.0.1:${port}/`);
});
