"""A client of the netstep emulator tests, built on Python's ftplib (a client nobody here wrote).

Reads one JSON program on standard input and writes one JSON result on standard output:

  {"host": "127.0.0.1", "port": 2121, "user": "alice", "password": "pw",
   "mode": "pasv" | "epsv" | "port" | "eprt",
   "steps": [{"op": "retr", "path": "a.bin"}, {"op": "stor", "path": "b.bin", "size": 1, "seed": "s"}, ...]}

Each step's result holds every reply line the server sent during it ("replies") and, on a failure, the error
("error"). Downloads give their size and SHA-256, so that the test compares them byte for byte with what it
served; uploads send content(size, seed), the same bytes the test computes (helpers.ts).

Steps:
  login                            USER/PASS (also done first, implicitly, unless "login": false)
  retr {path}                      RETR in binary mode
  stor {path, size, seed}          STOR in binary mode
  list {path?} / nlst {path?}      LIST / NLST, lines as text
  cmd {line}                       one command, its reply
  low_port {command, port}         PASV, then a data connection from local port `port` (< 1024; needs root),
                                   then the command; says whether the data connection was reset
  quit                             QUIT
"""

import ftplib
import hashlib
import io
import json
import socket
import sys


def content(size, seed):
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:size])


class Client(ftplib.FTP):
    """ftplib with EPSV and EPRT on IPv4 (ftplib uses them only on IPv6), and a record of every reply."""

    mode = "pasv"

    def __init__(self):
        super().__init__(timeout=20)
        self.replies = []

    def getresp(self):
        try:
            resp = super().getresp()
        except ftplib.Error as e:
            self.replies.append(str(e))
            raise
        self.replies.append(resp)
        return resp

    def makepasv(self):
        if self.mode == "epsv":
            return ftplib.parse229(self.sendcmd("EPSV"), self.sock.getpeername())
        return super().makepasv()

    def sendport(self, host, port):
        if self.mode == "eprt":
            return self.sendeprt(host, port)
        return super().sendport(host, port)


def low_port(ftp, command, port):
    """A passive data connection from a privileged local port: FTP 7.5 resets it and the command gets 425."""
    host, data_port = ftp.makepasv()
    data = None
    for p in range(port, port + 20):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            s.close()
            continue
        data = s
        break
    if data is None:
        raise RuntimeError(f"no free local port in {port}-{port + 19}")
    data.settimeout(20)
    local_port = data.getsockname()[1]
    data_end = None
    try:
        data.connect((host, data_port))
    except ConnectionResetError:
        # The server's RST can come before the client has seen its own connect complete.
        data_end = "reset"
    ftp.putcmd(command)
    while True:
        try:
            final = ftp.getresp()
        except ftplib.Error as e:
            final = str(e)
        if not final.startswith("1"):
            break
    if data_end is None:
        try:
            data_end = "eof" if data.recv(1) == b"" else "data"
        except ConnectionResetError:
            data_end = "reset"
    data.close()
    return {"final": final, "data_end": data_end, "local_port": local_port}


def run(program):
    ftp = Client()
    ftp.mode = program.get("mode", "pasv")
    ftp.set_pasv(ftp.mode in ("pasv", "epsv"))
    ftp.connect(program["host"], program["port"])
    results = []
    steps = program["steps"]
    if program.get("login", True):
        steps = [{"op": "login"}] + steps
    for step in steps:
        ftp.replies = []
        result = {"op": step["op"]}
        try:
            op = step["op"]
            if op == "login":
                ftp.login(program["user"], program["password"])
            elif op == "retr":
                data = bytearray()
                ftp.retrbinary("RETR " + step["path"], data.extend)
                result["size"] = len(data)
                result["sha256"] = hashlib.sha256(data).hexdigest()
            elif op == "stor":
                ftp.storbinary("STOR " + step["path"], io.BytesIO(content(step["size"], step["seed"])))
            elif op == "list":
                lines = []
                ftp.retrlines("LIST" + (" " + step["path"] if "path" in step else ""), lines.append)
                result["lines"] = lines
            elif op == "nlst":
                lines = []
                ftp.retrlines("NLST" + (" " + step["path"] if "path" in step else ""), lines.append)
                result["lines"] = lines
            elif op == "cmd":
                ftp.sendcmd(step["line"])
            elif op == "low_port":
                result.update(low_port(ftp, step["command"], step["port"]))
            elif op == "quit":
                ftp.quit()
            else:
                raise ValueError("unknown step " + op)
        except (ftplib.Error, OSError, EOFError) as e:
            result["error"] = f"{type(e).__name__}: {e}"
        result["replies"] = ftp.replies
        results.append(result)
    try:
        ftp.close()
    except OSError:
        pass
    return results


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
