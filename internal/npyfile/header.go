package npyfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// magic opens every .npy file.
const magic = "\x93NUMPY"

// maxHeader bounds the header's length. NumPy itself refuses headers over
// 10 000 bytes unless told otherwise; a generous bound keeps a corrupt length
// field from costing gigabytes.
const maxHeader = 1 << 16

// DecodeHeader reads the magic string, version and header dictionary of a
// .npy stream, leaving r at the first data byte.
func DecodeHeader(r io.Reader) (Header, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return Header{}, fmt.Errorf("not a .npy file: too short (%v)", err)
	}
	if string(pre[:6]) != magic {
		return Header{}, errors.New("not a .npy file: no \\x93NUMPY magic")
	}
	h := Header{Major: int(pre[6]), Minor: int(pre[7])}
	var n int
	switch h.Major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Header{}, fmt.Errorf("truncated .npy header: %v", err)
		}
		n = int(binary.LittleEndian.Uint16(b[:]))
		h.Offset = len(pre) + len(b) + n
	case 2, 3: // 3.0 differs from 2.0 only in allowing UTF-8 in the header
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Header{}, fmt.Errorf("truncated .npy header: %v", err)
		}
		n64 := binary.LittleEndian.Uint32(b[:])
		if n64 > maxHeader {
			return Header{}, fmt.Errorf(".npy header of %d bytes is implausible", n64)
		}
		n = int(n64)
		h.Offset = len(pre) + len(b) + n
	default:
		return Header{}, fmt.Errorf("unsupported .npy format version %d.%d", h.Major, h.Minor)
	}
	text := make([]byte, n)
	if _, err := io.ReadFull(r, text); err != nil {
		return Header{}, fmt.Errorf("truncated .npy header: %v", err)
	}
	if err := parseDict(string(text), &h); err != nil {
		return Header{}, fmt.Errorf("malformed .npy header %q: %w", text, err)
	}
	return h, nil
}

// parseDict reads the Python dict literal that describes the array:
// {'descr': '<f4', 'fortran_order': False, 'shape': (1800, 13, 2), }.
func parseDict(s string, h *Header) error {
	p := &lexer{s: s}
	if !p.eat('{') {
		return errors.New("no opening brace")
	}
	seen := map[string]bool{}
	for !p.eat('}') {
		key, err := p.str()
		if err != nil {
			return fmt.Errorf("key: %w", err)
		}
		if seen[key] {
			return fmt.Errorf("key %q twice", key)
		}
		seen[key] = true
		if !p.eat(':') {
			return fmt.Errorf("no colon after %q", key)
		}
		switch key {
		case "descr":
			// A structured dtype is a list of fields; it is kept as text so
			// that the refusal can name it.
			if h.Dtype, h.Structured, err = p.descr(); err != nil {
				return fmt.Errorf("descr: %w", err)
			}
		case "fortran_order":
			if h.Fortran, err = p.boolean(); err != nil {
				return fmt.Errorf("fortran_order: %w", err)
			}
		case "shape":
			if h.Shape, err = p.shape(); err != nil {
				return fmt.Errorf("shape: %w", err)
			}
		default:
			return fmt.Errorf("unexpected key %q", key)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return errors.New("no comma or closing brace")
			}
			break
		}
	}
	p.space()
	if p.i != len(p.s) {
		return errors.New("text after the closing brace")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return fmt.Errorf("no %q key", k)
		}
	}
	return nil
}

// lexer walks the header text.
type lexer struct {
	s string
	i int
}

func (p *lexer) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t' || p.s[p.i] == '\r') {
		p.i++
	}
}

// eat consumes c (after blanks) if it comes next.
func (p *lexer) eat(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a quoted string without escapes (dtype strings need none).
func (p *lexer) str() (string, error) {
	p.space()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("want a quoted string")
	}
	q := p.s[p.i]
	for j := p.i + 1; j < len(p.s); j++ {
		switch p.s[j] {
		case q:
			v := p.s[p.i+1 : j]
			p.i = j + 1
			return v, nil
		case '\\':
			return "", errors.New("escapes are not supported")
		}
	}
	return "", errors.New("unterminated string")
}

// descr reads the dtype: a type string such as '<f4', or a structured
// dtype's list of fields, returned as its text.
func (p *lexer) descr() (string, bool, error) {
	p.space()
	if p.i < len(p.s) && p.s[p.i] != '[' {
		s, err := p.str()
		return s, false, err
	}
	start := p.i
	var want []byte // the closing brackets still owed, innermost last
	for p.i < len(p.s) {
		switch c := p.s[p.i]; c {
		case '\'', '"':
			if _, err := p.str(); err != nil {
				return "", false, err
			}
			continue
		case '[':
			want = append(want, ']')
		case '(':
			want = append(want, ')')
		case '{':
			want = append(want, '}')
		case ']', ')', '}':
			if c != want[len(want)-1] {
				return "", false, fmt.Errorf("%q where %q closes the list of fields", c, want[len(want)-1])
			}
			if want = want[:len(want)-1]; len(want) == 0 {
				p.i++
				return p.s[start:p.i], true, nil
			}
		}
		p.i++
	}
	return "", false, errors.New("unterminated list of fields")
}

func (p *lexer) boolean() (bool, error) {
	p.space()
	for _, w := range []struct {
		word string
		v    bool
	}{{"True", true}, {"False", false}} {
		if len(p.s)-p.i >= len(w.word) && p.s[p.i:p.i+len(w.word)] == w.word {
			p.i += len(w.word)
			return w.v, nil
		}
	}
	return false, errors.New("want True or False")
}

// shape reads a tuple of non-negative ints whose product stays within
// maxElements.
func (p *lexer) shape() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("want a tuple")
	}
	shape := []int{}
	n := 1
	for !p.eat(')') {
		p.space()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		d, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || d > maxElements {
			return nil, fmt.Errorf("dimension %q is not a plausible size", p.s[p.i:j])
		}
		p.i = j
		if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2's long integers: (270L, 128L)
			p.i++
		}
		if d > 0 && n > maxElements/d {
			return nil, fmt.Errorf("%v×%d values exceed the limit of %d", shape, d, maxElements)
		}
		n *= d
		shape = append(shape, d)
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("no comma or closing parenthesis")
			}
			break
		}
	}
	if len(shape) == 0 {
		return nil, nil
	}
	return shape, nil
}
