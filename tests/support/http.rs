//! HTTP/1.1 messages for the small proxies and scripted endpoints of the acceptance tests
//! (`acceptance_faults.rs`, `acceptance_versions.rs`): read one from a connection, write it back
//! with `Connection` and `Content-Length` restated. Enough for the AWS SDK's requests and moto's
//! answers (bodies with `Content-Length`, no chunked encoding).

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;

/// One HTTP/1.1 message: head lines and body.
pub struct Message {
    pub head: Vec<String>,
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// Reads one message; `None` on a cleanly closed connection.
    pub fn read(reader: &mut BufReader<TcpStream>) -> Option<Message> {
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let line = line.trim_end_matches(['\r', '\n']).to_string();
            if line.is_empty() {
                if head.is_empty() {
                    continue;
                }
                break;
            }
            head.push(line);
        }
        let mut msg = Message { head, body: Vec::new() };
        let len: usize = msg.header("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
        msg.body = vec![0; len];
        reader.read_exact(&mut msg.body).ok()?;
        Some(msg)
    }

    /// The message with `Connection` set as given and the body length restated.
    pub fn bytes(&self, connection: &str) -> Vec<u8> {
        let mut out = String::new();
        out.push_str(&self.head[0]);
        out.push_str("\r\n");
        for l in self.head.iter().skip(1) {
            let name =
                l.split_once(':').map(|(k, _)| k.trim().to_ascii_lowercase()).unwrap_or_default();
            if name != "connection" && name != "content-length" && name != "keep-alive" {
                out.push_str(l);
                out.push_str("\r\n");
            }
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nConnection: {connection}\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}
