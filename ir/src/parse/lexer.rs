//! Tokens of the IR text format, with their line and column.
//!
//! `;` starts a comment that runs to the end of the line (outside string literals).
//! Newlines are tokens: the parser needs them to end instructions. This file must never
//! panic on any input; an unexpected character is an error naming its position.

use super::ParseError;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok<'a> {
    /// Letters, digits, `_` and `.`, starting with a letter or `_` (`iadd.i32`, `v3`).
    Word(&'a str),
    /// A number, starting with a digit (`16`, `1.5e-7`, `0x7fc00000`).
    Num(&'a str),
    /// A string literal, unescaped.
    Str(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Equals,
    Plus,
    Minus,
    Arrow,
    Newline,
    Eof,
}

impl Tok<'_> {
    /// How the token is named in error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Num(n) => format!("`{n}`"),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::LBrace => "`{`".into(),
            Tok::RBrace => "`}`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Colon => "`:`".into(),
            Tok::Equals => "`=`".into(),
            Tok::Plus => "`+`".into(),
            Tok::Minus => "`-`".into(),
            Tok::Arrow => "`->`".into(),
            Tok::Newline => "end of line".into(),
            Tok::Eof => "end of input".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Token<'a> {
    pub tok: Tok<'a>,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub col: u32,
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// Splits `text` into tokens; the last one is always `Eof`.
pub(crate) fn lex<'a>(text: &'a str) -> Result<Vec<Token<'a>>, ParseError> {
    let mut toks = Vec::new();
    let mut chars = text.char_indices().peekable();
    let (mut line, mut col) = (1u32, 1u32);
    while let Some(&(start, c)) = chars.peek() {
        let (tline, tcol) = (line, col);
        let err = |message: String| ParseError { line: tline, col: tcol, message };
        // Consumes one char, keeping line/col.
        macro_rules! bump {
            () => {{
                let (_, ch) = chars.next().expect("peeked");
                if ch == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }};
        }
        let push = |toks: &mut Vec<Token<'a>>, tok: Tok<'a>| toks.push(Token { tok, line: tline, col: tcol });
        match c {
            '\n' => {
                bump!();
                push(&mut toks, Tok::Newline);
            }
            ' ' | '\t' | '\r' => bump!(),
            ';' => {
                while let Some(&(_, ch)) = chars.peek() {
                    if ch == '\n' {
                        break;
                    }
                    bump!();
                }
            }
            '(' | ')' | '[' | ']' | '{' | '}' | ',' | ':' | '=' | '+' => {
                bump!();
                let tok = match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    '{' => Tok::LBrace,
                    '}' => Tok::RBrace,
                    ',' => Tok::Comma,
                    ':' => Tok::Colon,
                    '=' => Tok::Equals,
                    _ => Tok::Plus,
                };
                push(&mut toks, tok);
            }
            '-' => {
                bump!();
                if chars.peek().is_some_and(|&(_, ch)| ch == '>') {
                    bump!();
                    push(&mut toks, Tok::Arrow);
                } else {
                    push(&mut toks, Tok::Minus);
                }
            }
            '"' => {
                bump!();
                let mut s = String::new();
                loop {
                    let Some(&(_, ch)) = chars.peek() else {
                        return Err(err("unterminated string".into()));
                    };
                    bump!();
                    match ch {
                        '"' => break,
                        '\n' => return Err(err("unterminated string".into())),
                        '\\' => {
                            let Some(&(_, e)) = chars.peek() else {
                                return Err(err("unterminated string".into()));
                            };
                            bump!();
                            match e {
                                '\\' => s.push('\\'),
                                '"' => s.push('"'),
                                '\'' => s.push('\''),
                                'n' => s.push('\n'),
                                'r' => s.push('\r'),
                                't' => s.push('\t'),
                                '0' => s.push('\0'),
                                'u' => {
                                    if !chars.peek().is_some_and(|&(_, ch)| ch == '{') {
                                        return Err(err("expected `{` after `\\u` in string".into()));
                                    }
                                    bump!();
                                    let mut hex = String::new();
                                    loop {
                                        match chars.peek() {
                                            Some(&(_, '}')) => {
                                                bump!();
                                                break;
                                            }
                                            Some(&(_, h)) if h.is_ascii_hexdigit() && hex.len() < 6 => {
                                                hex.push(h);
                                                bump!();
                                            }
                                            _ => return Err(err("malformed `\\u{...}` escape in string".into())),
                                        }
                                    }
                                    let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                                    match ch {
                                        Some(ch) => s.push(ch),
                                        None => return Err(err(format!("`\\u{{{hex}}}` is not a character"))),
                                    }
                                }
                                other => return Err(err(format!("unknown escape `\\{other}` in string"))),
                            }
                        }
                        other => s.push(other),
                    }
                }
                push(&mut toks, Tok::Str(s));
            }
            c if is_word_start(c) => {
                let mut end = start;
                while let Some(&(i, ch)) = chars.peek() {
                    if !is_word_char(ch) {
                        break;
                    }
                    end = i + ch.len_utf8();
                    bump!();
                }
                push(&mut toks, Tok::Word(&text[start..end]));
            }
            c if c.is_ascii_digit() => {
                let hex = text[start..].starts_with("0x") || text[start..].starts_with("0X");
                let mut end = start;
                let mut prev = c;
                while let Some(&(i, ch)) = chars.peek() {
                    let exp_sign = (ch == '+' || ch == '-') && !hex && (prev == 'e' || prev == 'E');
                    if !(ch.is_ascii_alphanumeric() || ch == '.' || ch == '_' || exp_sign) {
                        break;
                    }
                    end = i + ch.len_utf8();
                    prev = ch;
                    bump!();
                }
                push(&mut toks, Tok::Num(&text[start..end]));
            }
            other => return Err(err(format!("unexpected character {other:?}"))),
        }
    }
    toks.push(Token { tok: Tok::Eof, line, col });
    Ok(toks)
}
