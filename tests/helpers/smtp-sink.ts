import net from "node:net";
import { freePort } from "../../lib/runtime/free-port";

// A minimal SMTP server (RFC 5321's happy path, no TLS, no auth) that keeps what it receives:
// enough for a real SMTP client such as nodemailer to deliver a message to a test.
export interface SmtpSink {
  url: string;
  messages: { from: string; to: string[]; data: string }[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpSink["messages"] = [];
  const server = net.createServer((socket) => {
    let from = "";
    let to: string[] = [];
    let data: string[] | null = null;
    let buffer = "";
    socket.write("220 sink ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let i: number;
      while ((i = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data) {
          if (line === ".") {
            messages.push({ from, to, data: data.join("\n") });
            data = null;
            socket.write("250 queued\r\n");
          } else data.push(line.startsWith("..") ? line.slice(1) : line);
          continue;
        }
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === "EHLO" || cmd === "HELO") socket.write("250-sink\r\n250 SIZE 10485760\r\n");
        else if (cmd === "MAIL") (from = line.slice(10).trim()), socket.write("250 ok\r\n");
        else if (cmd === "RCPT") to.push(line.slice(8).trim()), socket.write("250 ok\r\n");
        else if (cmd === "DATA") (data = []), socket.write("354 go ahead\r\n");
        else if (cmd === "RSET") (from = ""), (to = []), socket.write("250 ok\r\n");
        else if (cmd === "QUIT") socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise((r) => server.close(() => r())) };
}
