package conductor
import ("testing";"fmt";"context";"github.com/podium-dev/podium/audio";"github.com/podium-dev/podium/internal/npyfile";"github.com/podium-dev/podium/internal/testdata";"github.com/podium-dev/podium/internal/synth")
func TestDbgLoud(t *testing.T){
	melArr, _ := npyfile.Read(testdata.Path(t, "models", "m2sgan", "ref_mel.npy"))
	mels := []audio.Mel{{Frames: len(melArr.Data) / audio.MelBands, Data: melArr.Data}}
	for _,p:=range synth.Samples(){ mels=append(mels, render(t,p).mel) }
	for _,mel:=range mels{
	 an,_:=Listen(context.Background(),mel)
	 var ls []float64
	 for _,b:=range an.Beats{ls=append(ls,float64(b.Loud))}
	 sortFloats(ls)
	 fmt.Printf("beats %d loud p10 %.3f p50 %.3f p90 %.3f\n",len(ls),ls[len(ls)/10],ls[len(ls)/2],ls[len(ls)*9/10])
	}
}
