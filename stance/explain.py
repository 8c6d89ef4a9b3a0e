"""Why the model gave a country its label in a sentence: the weightiest n-grams."""

from __future__ import annotations

import pandas as pd


def explain_sentence(sentence: str, country: str, *, top: int = 12, model=None) -> list[str]:
    """Lines naming the predicted label and the n-grams that weighed most toward it
    (coefficient times feature value), for every mention of ``country`` in ``sentence``."""
    from stance.countries import find_mentions
    from stance.predict import default_model, predict_sentences

    mentions = find_mentions(sentence)
    if not any(m.country == country for m in mentions):
        found = ", ".join(sorted({m.country for m in mentions})) or "none"
        raise ValueError(f"the sentence does not mention {country} (countries found: {found})")
    model = model if model is not None else default_model()
    frame = pd.DataFrame({
        "sentence": [sentence] * len(mentions),
        "mention_start": [m.start for m in mentions],
        "mention_end": [m.end for m in mentions],
        "country": [m.country for m in mentions],
        "role": [m.role for m in mentions],
    })
    predicted = predict_sentences(frame, model=model)
    explanations = model.explain(frame, top=top)
    lines = []
    for index, mention in enumerate(mentions):
        if mention.country != country:
            continue
        row = predicted.iloc[index]
        lines.append(f"{country} «{mention.text}» ({mention.role}): {row['predicted']} "
                     f"(confidence {row['confidence']:.2f})")
        if mention.role == "location":
            lines.append("  a mention that is only a place is 'none' by rule")
            continue
        for _, feature, weight in explanations[index]:
            lines.append(f"  {weight:+.3f}  {feature}")
    return lines
