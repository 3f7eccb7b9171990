//! Reading a pickle (protocols 2-5, as Django's backends write them) into the codec's value
//! bytes. An allowlist: the built-in types, `datetime.datetime`/`date` (with `timezone`,
//! `timedelta`), `decimal.Decimal` and Django's `SafeString`; any other global, any other
//! `REDUCE` or `NEWOBJ`, or a malformed stream is an error. Nothing is ever called: the
//! machine only builds a tree of values and then writes it out.
//!
//! Over ~400 lines: one opcode loop and the machine state it shares read best in one place.

use super::pickle_globals::{allowed, call, Allowed};
use crate::codec::bigint;
use crate::codec::Encoder;
use crate::error::{Error, Result};

/// A node of the value tree (containers hold node indices: pickle's memo shares them).
#[derive(Debug, Clone)]
pub(super) enum Py {
    None,
    Bool(bool),
    /// Two's-complement little-endian, minimal (the codec's bigint bytes).
    Int(Vec<u8>),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<usize>),
    Tuple(Vec<usize>),
    Dict(Vec<(usize, usize)>),
    Set(Vec<usize>),
    /// Milliseconds since the epoch (a naive datetime read as UTC).
    DateTime(f64),
    /// Milliseconds since the epoch of the date's midnight, UTC.
    Date(f64),
    Decimal(String),
    /// A UTC offset in seconds (`datetime.timezone`).
    Timezone(f64),
    /// A duration in seconds (`datetime.timedelta`).
    Timedelta(f64),
    Global(Allowed),
}

pub(super) fn bad(what: impl Into<String>) -> Error {
    Error::Corrupt(format!("pickle: {}", what.into()))
}

/// Nodes at most (a bound on memory whatever the stream says).
const MAX_NODES: usize = 1 << 20;
/// Nesting the writer follows at most.
const MAX_DEPTH: usize = 500;

struct Machine<'a> {
    input: &'a [u8],
    at: usize,
    nodes: Vec<Py>,
    stack: Vec<usize>,
    marks: Vec<usize>,
    memo: Vec<Option<usize>>,
}

impl<'a> Machine<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.input.len())
            .ok_or_else(|| bad("truncated"))?;
        let out = &self.input[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn le(&mut self, n: usize) -> Result<u64> {
        Ok(self
            .take(n)?
            .iter()
            .rev()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
    }
    fn len(&mut self, n: usize) -> Result<usize> {
        let len = self.le(n)?;
        usize::try_from(len)
            .ok()
            .filter(|&l| l <= self.input.len())
            .ok_or_else(|| bad("a length past the end"))
    }
    fn push(&mut self, node: Py) -> Result<()> {
        if self.nodes.len() >= MAX_NODES {
            return Err(bad("too many values"));
        }
        self.nodes.push(node);
        self.stack.push(self.nodes.len() - 1);
        Ok(())
    }
    fn pop(&mut self) -> Result<usize> {
        if self.marks.last().is_some_and(|&m| m >= self.stack.len()) {
            return Err(bad("pop across a mark"));
        }
        self.stack.pop().ok_or_else(|| bad("stack underflow"))
    }
    fn pop_mark(&mut self) -> Result<Vec<usize>> {
        let mark = self.marks.pop().ok_or_else(|| bad("no mark"))?;
        Ok(self.stack.split_off(mark))
    }
    fn text(&mut self, n: usize) -> Result<()> {
        let bytes = self.take(n)?;
        let s = std::str::from_utf8(bytes).map_err(|_| bad("a string that is not UTF-8"))?;
        self.push(Py::Str(s.to_string()))
    }
    fn int(&mut self, twos: Vec<u8>) -> Result<()> {
        let mut twos = twos;
        // Normalize through the codec's own rule (adding zero normalizes).
        twos = bigint::add(&twos, &[]);
        self.push(Py::Int(twos))
    }
    fn str_of(&self, i: usize) -> Result<&str> {
        match &self.nodes[i] {
            Py::Str(s) => Ok(s),
            _ => Err(bad("a global's name is not a string")),
        }
    }
    fn memo_put(&mut self, index: usize) -> Result<()> {
        let top = *self.stack.last().ok_or_else(|| bad("memoize of nothing"))?;
        if index > self.memo.len() + 1024 || index >= MAX_NODES {
            return Err(bad("a memo index out of range"));
        }
        if self.memo.len() <= index {
            self.memo.resize(index + 1, None);
        }
        self.memo[index] = Some(top);
        Ok(())
    }
    fn memo_get(&mut self, index: usize) -> Result<()> {
        let node = self
            .memo
            .get(index)
            .copied()
            .flatten()
            .ok_or_else(|| bad("a memo index never stored"))?;
        self.stack.push(node);
        Ok(())
    }
    fn container(&mut self, i: usize) -> &mut Py {
        &mut self.nodes[i]
    }

    fn run(&mut self) -> Result<usize> {
        loop {
            let op = self.byte()?;
            match op {
                0x80 => {
                    let proto = self.byte()?;
                    if !(2..=5).contains(&proto) {
                        return Err(bad(format!("protocol {proto}")));
                    }
                }
                0x95 => {
                    self.take(8)?; // FRAME: a hint only
                }
                b'.' => {
                    let top = self.pop()?;
                    if !self.stack.is_empty()
                        || !self.marks.is_empty()
                        || self.at != self.input.len()
                    {
                        return Err(bad("data after the value"));
                    }
                    return Ok(top);
                }
                b'N' => self.push(Py::None)?,
                0x88 => self.push(Py::Bool(true))?,
                0x89 => self.push(Py::Bool(false))?,
                b'J' => {
                    let v = self.le(4)? as u32 as i32;
                    self.int(bigint::from_i64(i64::from(v)))?;
                }
                b'K' => {
                    let v = self.byte()?;
                    self.int(bigint::from_i64(i64::from(v)))?;
                }
                b'M' => {
                    let v = self.le(2)?;
                    self.int(bigint::from_i64(v as i64))?;
                }
                0x8a => {
                    let n = self.len(1)?;
                    let twos = self.take(n)?.to_vec();
                    self.int(twos)?;
                }
                0x8b => {
                    let n = self.len(4)?;
                    let twos = self.take(n)?.to_vec();
                    self.int(twos)?;
                }
                b'G' => {
                    let bytes: [u8; 8] = self.take(8)?.try_into().map_err(|_| bad("truncated"))?;
                    self.push(Py::Float(f64::from_be_bytes(bytes)))?;
                }
                0x8c => {
                    let n = self.len(1)?;
                    self.text(n)?;
                }
                b'X' => {
                    let n = self.len(4)?;
                    self.text(n)?;
                }
                0x8d => {
                    let n = self.len(8)?;
                    self.text(n)?;
                }
                b'C' | b'B' | 0x8e | 0x96 => {
                    let n = match op {
                        b'C' => self.len(1)?,
                        b'B' => self.len(4)?,
                        _ => self.len(8)?,
                    };
                    let bytes = self.take(n)?.to_vec();
                    self.push(Py::Bytes(bytes))?;
                }
                b']' => self.push(Py::List(Vec::new()))?,
                b')' => self.push(Py::Tuple(Vec::new()))?,
                b'}' => self.push(Py::Dict(Vec::new()))?,
                0x8f => self.push(Py::Set(Vec::new()))?,
                b'(' => self.marks.push(self.stack.len()),
                0x85..=0x87 => {
                    let n = usize::from(op - 0x84);
                    if self.stack.len() < n
                        || self.marks.last().is_some_and(|&m| m > self.stack.len() - n)
                    {
                        return Err(bad("stack underflow"));
                    }
                    let items = self.stack.split_off(self.stack.len() - n);
                    self.push(Py::Tuple(items))?;
                }
                b't' => {
                    let items = self.pop_mark()?;
                    self.push(Py::Tuple(items))?;
                }
                b'a' => {
                    let item = self.pop()?;
                    let list = *self.stack.last().ok_or_else(|| bad("append to nothing"))?;
                    match self.container(list) {
                        Py::List(items) => items.push(item),
                        _ => return Err(bad("append to a non-list")),
                    }
                }
                b'e' => {
                    let items = self.pop_mark()?;
                    let list = *self.stack.last().ok_or_else(|| bad("appends to nothing"))?;
                    match self.container(list) {
                        Py::List(into) => into.extend(items),
                        _ => return Err(bad("appends to a non-list")),
                    }
                }
                b's' => {
                    let value = self.pop()?;
                    let key = self.pop()?;
                    let dict = *self.stack.last().ok_or_else(|| bad("setitem on nothing"))?;
                    match self.container(dict) {
                        Py::Dict(pairs) => pairs.push((key, value)),
                        _ => return Err(bad("setitem on a non-dict")),
                    }
                }
                b'u' => {
                    let items = self.pop_mark()?;
                    if items.len() % 2 != 0 {
                        return Err(bad("setitems of an odd count"));
                    }
                    let dict = *self
                        .stack
                        .last()
                        .ok_or_else(|| bad("setitems on nothing"))?;
                    match self.container(dict) {
                        Py::Dict(pairs) => pairs.extend(items.chunks(2).map(|p| (p[0], p[1]))),
                        _ => return Err(bad("setitems on a non-dict")),
                    }
                }
                0x90 => {
                    let items = self.pop_mark()?;
                    let set = *self
                        .stack
                        .last()
                        .ok_or_else(|| bad("additems to nothing"))?;
                    match self.container(set) {
                        Py::Set(into) => into.extend(items),
                        _ => return Err(bad("additems to a non-set")),
                    }
                }
                0x91 => {
                    let items = self.pop_mark()?;
                    self.push(Py::Set(items))?;
                }
                0x94 => {
                    let index = self.memo.len();
                    self.memo_put(index)?;
                }
                b'q' => {
                    let index = usize::from(self.byte()?);
                    self.memo_put(index)?;
                }
                b'r' => {
                    let index = self.le(4)? as usize;
                    self.memo_put(index)?;
                }
                b'h' => {
                    let index = usize::from(self.byte()?);
                    self.memo_get(index)?;
                }
                b'j' => {
                    let index = self.le(4)? as usize;
                    self.memo_get(index)?;
                }
                0x93 => {
                    let name = self.pop()?;
                    let module = self.pop()?;
                    let (module, name) = (
                        self.str_of(module)?.to_string(),
                        self.str_of(name)?.to_string(),
                    );
                    let global = allowed(&module, &name)
                        .ok_or_else(|| bad(format!("the global {module}.{name} is not allowed")))?;
                    self.push(Py::Global(global))?;
                }
                b'c' => {
                    let module = self.line()?;
                    let name = self.line()?;
                    let global = allowed(&module, &name)
                        .ok_or_else(|| bad(format!("the global {module}.{name} is not allowed")))?;
                    self.push(Py::Global(global))?;
                }
                b'R' | 0x81 => {
                    let args = self.pop()?;
                    let callable = self.pop()?;
                    let node = call(&self.nodes, callable, args)?;
                    self.push(node)?;
                }
                b'b' => {
                    // BUILD: only an empty state (a SafeString's) is accepted.
                    let state = self.pop()?;
                    let empty = match &self.nodes[state] {
                        Py::None => true,
                        Py::Dict(pairs) => pairs.is_empty(),
                        _ => false,
                    };
                    if !empty || self.stack.is_empty() {
                        return Err(bad("BUILD with state"));
                    }
                }
                _ => return Err(bad(format!("opcode 0x{op:02x} is not supported"))),
            }
        }
    }

    fn line(&mut self) -> Result<String> {
        let rest = &self.input[self.at..];
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| bad("truncated"))?;
        let text = std::str::from_utf8(&rest[..end])
            .map_err(|_| bad("a global name that is not UTF-8"))?
            .to_string();
        self.at += end + 1;
        Ok(text)
    }
}

/// The codec's value bytes of a pickle: see the module doc for what is allowed.
///
/// ```
/// use edgecache::interop::pickle_to_value;
/// // pickle.dumps([1, "a", None], 5)
/// let bytes = b"\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x01a\x94Ne.";
/// assert!(pickle_to_value(bytes).is_ok());
/// // pickle.dumps(os.system, 5): a global that is not allowed
/// assert!(pickle_to_value(b"\x80\x05\x95\x15\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94.").is_err());
/// ```
pub fn pickle_to_value(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut m = Machine {
        input: bytes,
        at: 0,
        nodes: Vec::new(),
        stack: Vec::new(),
        marks: Vec::new(),
        memo: Vec::new(),
    };
    let root = m.run()?;
    let mut out = Encoder::new();
    // Shared nodes are written once per reference: bound the total so a small pickle cannot
    // make an exponential value.
    let mut budget = bytes.len().saturating_mul(64).max(4096);
    write(&m.nodes, root, &mut out, 0, &mut budget)?;
    Ok(out.finish())
}

fn write(
    nodes: &[Py],
    i: usize,
    out: &mut Encoder,
    depth: usize,
    budget: &mut usize,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(bad("nested too deep (or a cycle)"));
    }
    *budget = budget
        .checked_sub(1)
        .ok_or_else(|| bad("too large once shared values are copied"))?;
    match &nodes[i] {
        Py::None => out.null(),
        Py::Bool(b) => out.bool(*b),
        Py::Int(twos) => super::write_int(out, twos),
        Py::Float(x) => out.number(*x),
        Py::Str(s) | Py::Decimal(s) => out.string(s),
        Py::Bytes(b) => out.binary(crate::codec::BinaryKind::Uint8Array, b),
        Py::List(items) | Py::Tuple(items) => {
            out.array(items.len());
            for &item in items {
                write(nodes, item, out, depth + 1, budget)?;
            }
        }
        Py::Set(items) => {
            out.set(items.len());
            for &item in items {
                write(nodes, item, out, depth + 1, budget)?;
            }
        }
        Py::Dict(pairs) => {
            let text_keys = pairs.iter().all(|&(k, _)| matches!(nodes[k], Py::Str(_)));
            if text_keys {
                out.object(pairs.len());
            } else {
                out.map(pairs.len());
            }
            for &(k, v) in pairs {
                write(nodes, k, out, depth + 1, budget)?;
                write(nodes, v, out, depth + 1, budget)?;
            }
        }
        Py::DateTime(ms) | Py::Date(ms) => out.date(*ms),
        Py::Timezone(_) | Py::Timedelta(_) | Py::Global(_) => {
            return Err(bad("a value of a type that has no JS form"))
        }
    }
    Ok(())
}
