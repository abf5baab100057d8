package audio

// mixDown averages interleaved channels into mono as librosa's to_mono does
// for float32 data (numpy's mean: sum in float32 channel by channel, then
// divide), writing len(dst) frames.
func mixDown(interleaved []float32, channels int, dst []float32) {
	if channels == 1 {
		copy(dst, interleaved)
		return
	}
	c := float32(channels)
	for i := range dst {
		fr := interleaved[i*channels : (i+1)*channels]
		s := fr[0]
		for _, v := range fr[1:] {
			s += v
		}
		dst[i] = s / c
	}
}
