package conductor

import (
	"math"

	"github.com/podium-dev/podium/motion"
)

// vec is a point or offset in normalised image coordinates (y down).
type vec struct{ x, y float64 }

func (a vec) add(b vec) vec       { return vec{a.x + b.x, a.y + b.y} }
func (a vec) sub(b vec) vec       { return vec{a.x - b.x, a.y - b.y} }
func (a vec) scale(s float64) vec { return vec{a.x * s, a.y * s} }
func (a vec) norm() float64       { return math.Sqrt(a.x*a.x + a.y*a.y) }
func mix(a, b vec, w float64) vec { return vec{a.x + w*(b.x-a.x), a.y + w*(b.y-a.y)} }

// rotation turns points about a centre by a fixed angle; its sine and
// cosine are taken once for all the joints it turns.
type rotation struct {
	c      vec
	co, si float64
}

func newRotation(c vec, ang float64) rotation {
	if math.Abs(ang) < 0.1 {
		// The body only ever turns a few hundredths of a radian: the
		// series is exact to 1e-9 there and much cheaper than Sincos.
		a2 := ang * ang
		return rotation{c, 1 - a2/2 + a2*a2/24, ang * (1 - a2/6 + a2*a2/120)}
	}
	s, co := math.Sincos(ang)
	return rotation{c, co, s}
}

func (r rotation) apply(p vec) vec {
	d := p.sub(r.c)
	return vec{r.c.x + r.co*d.x - r.si*d.y, r.c.y + r.si*d.x + r.co*d.y}
}

// template is the typical pose of SPEC §1 (the M2S-GAN's mean over 60 s),
// used for the head, shoulders and hips; the arms are placed by inverse
// kinematics from the shoulders.
var template = [motion.Joints]vec{
	{0.494, 0.414}, {0.506, 0.393}, {0.475, 0.385}, {0.524, 0.373}, {0.445, 0.386},
	{0.598, 0.462}, {0.404, 0.472}, {0.676, 0.577}, {0.369, 0.580},
	{0.614, 0.588}, {0.435, 0.543}, {0.575, 0.745}, {0.449, 0.742},
}

// Arm segment lengths in normalised image units: the long end of the
// official M2S-GAN's shoulder–elbow distances (0.123–0.141 over its reference
// output) and a forearm longer than its foreshortened 0.086, about an adult's
// proportions to the shoulder width of 0.19. The hand then reaches the ictus
// plane at the waist, out to the side, even while the trunk rocks the
// shoulder up, and above the shoulders at fortissimo.
const (
	upperArm = 0.14
	forearm  = 0.12
)

// solveArm places the elbow for a wrist target by two-link inverse
// kinematics with constant segment lengths. bend is +1 or -1 and chooses the
// side the elbow bends to; keeping it fixed per arm means the elbow never
// flips. A target out of reach is drawn in sideways, at its own height, onto
// the reachable circle (the ictuses stay on their plane while the trunk
// rocks the shoulder), or straight toward the shoulder where even that is
// too far; too near, it is pushed out along the line from the shoulder. The
// lengths stay exact; the returned wrist is the one actually reached.
func solveArm(shoulder, target vec, bend float64) (elbow, wrist vec) {
	d := target.sub(shoulder)
	dist := d.norm()
	minR, maxR := math.Abs(upperArm-forearm)*1.05, (upperArm+forearm)*0.995
	if dist > maxR && math.Abs(d.y) < maxR {
		d.x = math.Copysign(math.Sqrt(maxR*maxR-d.y*d.y), d.x)
		dist = maxR
	}
	dir := vec{0, 1}
	if dist > 1e-9 {
		dir = d.scale(1 / d.norm())
	}
	dist = clamp(dist, minR, maxR)
	wrist = shoulder.add(dir.scale(dist))
	// The elbow's angle off the shoulder–wrist line by the law of cosines;
	// its cosine and sine are all the rotation needs.
	c := (upperArm*upperArm + dist*dist - forearm*forearm) / (2 * upperArm * dist)
	c = clamp(c, -1, 1)
	s := bend * math.Sqrt(1-c*c)
	elbow = shoulder.add(vec{c*dir.x - s*dir.y, s*dir.x + c*dir.y}.scale(upperArm))
	return elbow, wrist
}

// guard keeps a wrist target below the shoulder: within soft of the limit
// (clear below the shoulder) the target is eased toward it, never across.
// A wrist passing over or next to its shoulder would swing the elbow round
// in a few frames; a conductor's hand rises to the shoulder, not past it.
func guard(target, shoulder vec) vec {
	const clear, soft = 0.04, 0.03
	lim := shoulder.y + clear
	if target.y >= lim+soft {
		return target
	}
	// Identity above lim+soft; below, an exponential approach to lim with
	// matching value and slope at the join.
	target.y = lim + soft*math.Exp((target.y-lim-soft)/soft)
	return target
}

// clamp limits x to [lo, hi] with plain comparisons (math.Min and math.Max
// handle NaN and signed zeros, which costs in the per-frame code).
func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}
