//go:build cgo

package onnx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// ortEnv guards ONNX Runtime's environment. onnxruntime_go keeps a single
// environment and library handle per process: SetSharedLibraryPath only
// applies before InitializeEnvironment, which fails when called twice, and
// every session shares it. So this is the package's one piece of global
// state: the first Open loads the library (lazily: the built-in conductor
// never does), later Opens reuse it, and it stays loaded until the process
// exits, because destroying it under a live session would crash.
type ortEnv struct {
	mu  sync.Mutex
	lib string // the library loaded; "" while none is
}

// env is the process's ONNX Runtime environment (see ortEnv).
var env ortEnv

// load makes sure the library at lib is loaded and the environment exists.
func (o *ortEnv) load(lib string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.lib != "" {
		if o.lib != lib {
			return fmt.Errorf("ONNX Runtime is already loaded from %s in this process; cannot also load %s", o.lib, lib)
		}
		return nil
	}
	ort.SetSharedLibraryPath(lib)
	// Errors come back as statuses; the runtime's own log would only repeat
	// them on stderr (and, with --device auto, report the missing CUDA).
	if err := ort.InitializeEnvironment(ort.WithLogLevelFatal()); err != nil {
		return fmt.Errorf("load ONNX Runtime %s: %s: %s", lib, oneLine(err), howToGet)
	}
	o.lib = lib
	return nil
}

// Open loads the model at path: it finds and loads the ONNX Runtime library
// (Options.LibraryPath, else the cached one; see FindLibrary), checks the
// model's inputs and outputs against the contract and starts a session on
// the device Options.Device names.
func Open(path string, opt Options) (*Engine, error) {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("open model %s: %w", path, err)
	case st.IsDir():
		return nil, fmt.Errorf("open model %s: a folder, not an .onnx file", path)
	case st.Size() == 0:
		return nil, fmt.Errorf("open model %s: the file is empty, not an ONNX model", path)
	}
	switch opt.Device {
	case "", "auto", "cpu", "cuda":
	default:
		return nil, fmt.Errorf("open model %s: unknown device %q (want auto, cpu or cuda)", path, opt.Device)
	}
	lib, err := findLibrary(opt.LibraryPath, "--ort-lib or "+LibraryEnv, "")
	if err != nil {
		return nil, fmt.Errorf("open model %s: %w", path, err)
	}
	if err := env.load(lib); err != nil {
		return nil, fmt.Errorf("open model %s: %w", path, err)
	}

	ins, outs, err := modelInfo(path)
	if err != nil {
		return nil, err
	}
	c, err := checkContract(path, ins, outs)
	if err != nil {
		return nil, err
	}
	threads := opt.Threads
	if threads <= 0 {
		threads = defaultThreads()
	}
	inputs := []string{c.mel}
	if c.noise != "" {
		inputs = append(inputs, c.noise)
	}
	e := &Engine{path: path, opt: opt, c: c}
	s := &ortSession{path: path, flat: c.flat}

	var cudaErr error
	if opt.Device != "cpu" {
		s.sess, cudaErr = newSession(path, inputs, c.output, threads, true)
		if cudaErr == nil {
			e.device = "cuda"
		} else if opt.Device == "cuda" {
			return nil, fmt.Errorf("open model %s: --device cuda: no usable CUDA in ONNX Runtime %s (%s); the library podium fetches has no CUDA provider: point --ort-lib at a CUDA build of ONNX Runtime %s (onnxruntime-gpu), or use --device cpu",
				path, lib, oneLine(cudaErr), RuntimeVersion)
		}
	}
	if s.sess == nil {
		s.sess, err = newSession(path, inputs, c.output, threads, false)
		if err != nil {
			return nil, fmt.Errorf("open model %s: start an ONNX Runtime session: %s", path, oneLine(err))
		}
		e.device = "cpu"
		if cudaErr != nil && opt.Notify != nil {
			opt.Notify(fmt.Sprintf("onnx: CUDA is not available (%s); running %s on the CPU", oneLine(cudaErr), path))
		}
	}
	e.run = s
	return e, nil
}

// ortMessage is the runtime's own message in err on one line, without
// onnxruntime_go's prefixes or a repeat of the model's path.
func ortMessage(err error) string {
	msg := oneLine(err)
	for _, p := range []string{"Error loading temporary session: ", "Error running network: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if strings.HasPrefix(msg, "Load model from ") {
		if i := strings.Index(msg, " failed:"); i >= 0 {
			msg = strings.TrimSpace(msg[i+len(" failed:"):])
		}
	}
	return msg
}

// defaultThreads is the intra-op thread count when Options.Threads is 0: one
// per core.
func defaultThreads() int { return runtime.NumCPU() }

// modelInfo reads a model's declared inputs and outputs.
func modelInfo(path string) (ins, outs []tensorSpec, err error) {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, nil, fmt.Errorf("open model %s: %s", path, oneLine(err))
	}
	defer so.Destroy()
	// One thread: this session only answers questions about the graph.
	if err := so.SetIntraOpNumThreads(1); err != nil {
		return nil, nil, fmt.Errorf("open model %s: %s", path, oneLine(err))
	}
	in, out, err := ort.GetInputOutputInfoWithOptions(path, so)
	if err != nil {
		return nil, nil, fmt.Errorf("open model %s: not a readable ONNX model (%s)", path, ortMessage(err))
	}
	conv := func(infos []ort.InputOutputInfo) []tensorSpec {
		specs := make([]tensorSpec, len(infos))
		for i, n := range infos {
			specs[i] = tensorSpec{
				Name:   n.Name,
				Tensor: n.OrtValueType == ort.ONNXTypeTensor,
				Float:  n.DataType == ort.TensorElementDataTypeFloat,
				Type:   elemType(n.DataType),
				Dims:   []int64(n.Dimensions),
			}
		}
		return specs
	}
	return conv(in), conv(out), nil
}

// elemType names an element type for messages.
func elemType(t ort.TensorElementDataType) string {
	switch t {
	case ort.TensorElementDataTypeFloat:
		return "float32"
	case ort.TensorElementDataTypeDouble:
		return "float64"
	case ort.TensorElementDataTypeFloat16:
		return "float16"
	case ort.TensorElementDataTypeInt64:
		return "int64"
	case ort.TensorElementDataTypeInt32:
		return "int32"
	}
	return fmt.Sprint(t)
}

// newSession starts a session on the CPU, or with the CUDA provider first.
func newSession(path string, inputs []string, output string, threads int, cuda bool) (*ort.DynamicAdvancedSession, error) {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	defer so.Destroy()
	if err := so.SetIntraOpNumThreads(threads); err != nil {
		return nil, err
	}
	if err := so.SetInterOpNumThreads(1); err != nil {
		return nil, err
	}
	if cuda {
		co, err := ort.NewCUDAProviderOptions()
		if err != nil {
			return nil, err
		}
		defer co.Destroy()
		if err := so.AppendExecutionProviderCUDA(co); err != nil {
			return nil, err
		}
	}
	return ort.NewDynamicAdvancedSession(path, inputs, []string{output}, so)
}

// ortSession runs one model through ONNX Runtime.
type ortSession struct {
	path string
	flat bool
	sess *ort.DynamicAdvancedSession
}

// run implements runner. Cancelling ctx stops a run in progress.
func (s *ortSession) run(ctx context.Context, mel, noise []float32, seconds int) (y []float32, err error) {
	melT, err := ort.NewTensor(ort.NewShape(1, int64(seconds*audio.MelRate), audio.MelBands), mel)
	if err != nil {
		return nil, err
	}
	defer melT.Destroy()
	inputs := []ort.Value{melT}
	if noise != nil {
		noiseT, err := ort.NewTensor(ort.NewShape(1, int64(seconds), NoiseDim), noise)
		if err != nil {
			return nil, err
		}
		defer noiseT.Destroy()
		inputs = append(inputs, noiseT)
	}
	ro, err := ort.NewRunOptions()
	if err != nil {
		return nil, err
	}
	defer ro.Destroy()
	stop := context.AfterFunc(ctx, func() { ro.Terminate() })
	defer stop()

	outputs := []ort.Value{nil}
	err = s.sess.RunWithOptions(inputs, outputs, ro)
	if outputs[0] != nil {
		defer outputs[0].Destroy()
	}
	if err != nil {
		return nil, errors.New(ortMessage(err))
	}
	t, ok := outputs[0].(*ort.Tensor[float32])
	frames := int64(seconds * motion.Rate)
	want := ort.NewShape(1, frames, motion.Joints, 2)
	if s.flat {
		want = ort.NewShape(1, frames, 2*motion.Joints)
	}
	if !ok || !t.GetShape().Equals(want) {
		got := "a non-float32 value"
		if ok {
			got = shape([]int64(t.GetShape()))
		}
		return nil, fmt.Errorf("output is %s for a %d s window, want %s", got, seconds, shape([]int64(want)))
	}
	// The tensor's data is a Go copy of the runtime's buffer: it outlives
	// Destroy.
	return t.GetData(), nil
}

func (s *ortSession) close() error {
	if s.sess == nil {
		return nil
	}
	err := s.sess.Destroy()
	s.sess = nil
	return err
}
