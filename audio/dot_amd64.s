#include "textflag.h"

// func cpuHasFMA() bool
// AVX2 and FMA present and the OS saves the YMM registers.
TEXT ·cpuHasFMA(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	ANDL $0x18001000, CX // FMA (bit 12), OSXSAVE (27), AVX (28)
	CMPL CX, $0x18001000
	JNE  no
	XORL CX, CX
	XGETBV
	ANDL $6, AX // XMM and YMM state enabled
	CMPL AX, $6
	JNE  no
	MOVL $7, AX
	XORL CX, CX
	CPUID
	ANDL $0x20, BX // AVX2
	JZ   no
	MOVB $1, ret+0(FP)
	RET

no:
	MOVB $0, ret+0(FP)
	RET

// func dotFMA(a, x *float64, n int) float64
// Σ a[i]·x[i], i < n: sixteen at a time in four 4-wide FMA accumulators,
// then four at a time, then one.
TEXT ·dotFMA(SB), NOSPLIT, $0-32
	MOVQ   a+0(FP), SI
	MOVQ   x+8(FP), DI
	MOVQ   n+16(FP), DX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	MOVQ   DX, CX
	SHRQ   $4, CX
	JZ     quads

loop16:
	VMOVUPD     0(SI), Y4
	VMOVUPD     32(SI), Y5
	VMOVUPD     64(SI), Y6
	VMOVUPD     96(SI), Y7
	VFMADD231PD 0(DI), Y4, Y0
	VFMADD231PD 32(DI), Y5, Y1
	VFMADD231PD 64(DI), Y6, Y2
	VFMADD231PD 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        CX
	JNZ         loop16

quads:
	MOVQ DX, CX
	ANDQ $15, CX
	SHRQ $2, CX
	JZ   fold

loop4:
	VMOVUPD     0(SI), Y4
	VFMADD231PD 0(DI), Y4, Y1
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         loop4

fold:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	ANDQ         $3, DX
	JZ           done

loop1:
	VMOVSD      0(SI), X4
	VFMADD231SD 0(DI), X4, X0
	ADDQ        $8, SI
	ADDQ        $8, DI
	DECQ        DX
	JNZ         loop1

done:
	VZEROUPPER
	MOVSD X0, ret+24(FP)
	RET
