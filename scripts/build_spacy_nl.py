"""Build the Dutch spaCy pipeline Rasa's SpacyNLP loads: blank `nl` + lookup lemmatizer.

There is no downloadable Dutch model on these machines and none may be fetched at run time, so
the pipeline is made from spaCy's own Dutch language data (tokenizer rules, stop words, number
words) and the lemma lookup table of spacy-lookups-data. Run with the Rasa environment's Python
so the saved pipeline matches the spaCy version that loads it.

usage: python scripts/build_spacy_nl.py OUTPUT_DIR
"""
import sys
from pathlib import Path

import spacy


def build(output: Path) -> None:
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup table from spacy-lookups-data into the pipeline
    nlp.meta["name"] = "verwijzing_nl"
    nlp.meta["description"] = "blank Dutch pipeline with a lookup lemmatizer (spacy-lookups-data)"
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    sample = [t.lemma_ for t in nlp("ik werkte als poetsvrouw en heb diploma's")]
    print(f"saved {output} ({spacy.__version__}); lemmas: {sample}")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
