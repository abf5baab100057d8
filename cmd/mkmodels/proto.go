package main

// A hand-written encoder for the few ONNX protobuf messages the test models
// need (onnx/onnx.proto, field numbers in the comments). Protobuf's wire
// format is small: each field is a varint key (number<<3 | wire type)
// followed by a varint, a fixed 32-bit value or a length-prefixed payload.

import (
	"encoding/binary"
	"math"
)

// Wire types.
const (
	wireVarint = 0
	wireBytes  = 2
	wire32     = 5
)

// msg is an encoded message under construction.
type msg []byte

func (m *msg) key(field, wire int) { *m = binary.AppendUvarint(*m, uint64(field<<3|wire)) }

// varint writes an integer field (int32, int64 and enums alike).
func (m *msg) varint(field int, v int64) {
	m.key(field, wireVarint)
	*m = binary.AppendUvarint(*m, uint64(v))
}

// bytes writes a length-delimited field: a string, bytes or a sub-message.
func (m *msg) bytes(field int, b []byte) {
	m.key(field, wireBytes)
	*m = binary.AppendUvarint(*m, uint64(len(b)))
	*m = append(*m, b...)
}

func (m *msg) str(field int, s string) { m.bytes(field, []byte(s)) }

func (m *msg) sub(field int, sub msg) { m.bytes(field, sub) }

func (m *msg) float(field int, f float32) {
	m.key(field, wire32)
	*m = binary.LittleEndian.AppendUint32(*m, math.Float32bits(f))
}

// ONNX element types (TensorProto.DataType).
const (
	typeFloat = 1
	typeInt64 = 7
)

// AttributeProto.AttributeType.
const (
	attrFloat = 1
	attrInt   = 2
	attrInts  = 7
)

// dim is one dimension of a declared shape: a size, or a symbolic name.
type dim struct {
	size  int64
	param string
}

// valueInfo is a ValueInfoProto: name 1, type 2 (TypeProto: tensor_type 1
// (elem_type 1, shape 2 (TensorShapeProto: dim 1 (dim_value 1, dim_param 2)))).
func valueInfo(name string, elem int64, dims ...dim) msg {
	var shape msg
	for _, d := range dims {
		var dm msg
		if d.param != "" {
			dm.str(2, d.param)
		} else {
			dm.varint(1, d.size)
		}
		shape.sub(1, dm)
	}
	var tensor msg
	tensor.varint(1, elem)
	tensor.sub(2, shape)
	var typ msg
	typ.sub(1, tensor)
	var vi msg
	vi.str(1, name)
	vi.sub(2, typ)
	return vi
}

// floatTensor is a TensorProto: dims 1, data_type 2, name 8, raw_data 9
// (little-endian).
func floatTensor(name string, dims []int64, data []float32) msg {
	var t msg
	for _, d := range dims {
		t.varint(1, d)
	}
	t.varint(2, typeFloat)
	t.str(8, name)
	raw := make([]byte, 0, 4*len(data))
	for _, v := range data {
		raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
	}
	t.bytes(9, raw)
	return t
}

// int64Tensor is a TensorProto of int64 values.
func int64Tensor(name string, dims []int64, data []int64) msg {
	var t msg
	for _, d := range dims {
		t.varint(1, d)
	}
	t.varint(2, typeInt64)
	t.str(8, name)
	raw := make([]byte, 0, 8*len(data))
	for _, v := range data {
		raw = binary.LittleEndian.AppendUint64(raw, uint64(v))
	}
	t.bytes(9, raw)
	return t
}

// attr is an AttributeProto: name 1, f 2, i 3, ints 8, type 20.
type attr func(*msg)

func intAttr(name string, v int64) attr {
	return func(m *msg) { m.str(1, name); m.varint(3, v); m.varint(20, attrInt) }
}

func intsAttr(name string, vs ...int64) attr {
	return func(m *msg) {
		m.str(1, name)
		for _, v := range vs {
			m.varint(8, v)
		}
		m.varint(20, attrInts)
	}
}

// node is a NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.
func node(op, name string, inputs, outputs []string, attrs ...attr) msg {
	var n msg
	for _, in := range inputs {
		n.str(1, in)
	}
	for _, out := range outputs {
		n.str(2, out)
	}
	n.str(3, name)
	n.str(4, op)
	for _, a := range attrs {
		var am msg
		a(&am)
		n.sub(5, am)
	}
	return n
}

// graph is a GraphProto: node 1, name 2, initializer 5, doc_string 10,
// input 11, output 12.
type graph struct {
	name         string
	doc          string
	nodes        []msg
	initializers []msg
	inputs       []msg
	outputs      []msg
}

func (g graph) encode() msg {
	var m msg
	for _, n := range g.nodes {
		m.sub(1, n)
	}
	m.str(2, g.name)
	for _, t := range g.initializers {
		m.sub(5, t)
	}
	if g.doc != "" {
		m.str(10, g.doc)
	}
	for _, v := range g.inputs {
		m.sub(11, v)
	}
	for _, v := range g.outputs {
		m.sub(12, v)
	}
	return m
}

// model is a ModelProto: ir_version 1, producer_name 2, producer_version 3,
// graph 7, opset_import 8 (OperatorSetIdProto: domain 1, version 2).
func model(g graph, opset int64) []byte {
	var m msg
	m.varint(1, 7) // IR version 7 goes with opset 13 (ONNX 1.8)
	m.str(2, "podium mkmodels")
	m.str(3, "1")
	m.sub(7, g.encode())
	var op msg
	op.str(1, "")
	op.varint(2, opset)
	m.sub(8, op)
	return m
}
