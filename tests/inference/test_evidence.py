"""Evidence: which practices the code of a notebook shows."""

from __future__ import annotations

from mllens_jupyter.inference import find_evidence, infer_cells

from .cells import code, md


def test_evidence_names_the_cell_and_what_it_shows(lens):
    evidence = find_evidence([
        md("# Drift"),
        code("import evidently\nfrom sagemaker.tuner import HyperparameterTuner"),
        code("tuner = HyperparameterTuner(est, 'auc', ranges, max_jobs=4)"),
        code("est = Estimator(role=role, instance_type='ml.g5.xlarge', use_spot_instances=True)"),
    ], lens)
    assert evidence["MLOPS06-BP02"] == ["cell 2: imports evidently"]
    assert "cell 3: calls sagemaker.tuner.HyperparameterTuner" in evidence["MLCOST04-BP11"]
    assert "cell 4: mentions 'use_spot_instances'" in evidence["MLCOST04-BP06"]
    assert "MLSEC03-BP03" not in evidence


def test_evidence_and_stages_share_one_parse(lens, monkeypatch):
    from mllens_jupyter.inference import read_code

    cells = [code("import mlflow\nmlflow.autolog()\nmodel.fit(X, y)")]
    read_code._facts_for_text.cache_clear()
    infer_cells(cells)
    find_evidence(cells, lens)
    info = read_code._facts_for_text.cache_info()
    assert info.misses == 1 and info.hits >= 1
