package star

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestTrainingReproducible(t *testing.T) {
	model := Train(loadCorpusDir(t, "../../testdata/star/train"), DefaultTrainOptions())
	b, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(b, '\n'), shippedModel) {
		t.Fatal("training on testdata/star/train does not give the embedded interviewer/star/model.json; " +
			"run `make star-model` (or `go run ./cmd/mockinterview train-star`) and commit the result")
	}
}
