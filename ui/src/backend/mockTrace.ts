// The demo case's decision pred-000017 as the engine traced it: the dossier.json written by
//   custody investigate fixtures/cases/fraud-detection --case CASE --trust KEY … (the demo's
//     five scenario keys, fixtures/keys, as scripts/demo trusts them)
//   custody trace CASE pred-000017 --dossier DIR
// less the three fields the file adds to the Dossier type (written_by, written_at, case). Kept
// as the engine writes it, `null` for an absent value included, so the UI is tested against
// what it really receives.
import type { Dossier } from "../generated/Dossier";

export const DEMO_DOSSIER = {
 "trace": {
  "prediction": {
   "id": "pred-000017",
   "log": "inference/predictions.jsonl",
   "record": "line 17",
   "format": "json-lines",
   "time": "2026-11-09T01:20:05.142Z",
   "model_uri": "models:/fraud-detector@production",
   "model_name": null,
   "model_version": "3",
   "model_digest": "ebd79302e7feb36356af7f8b7383f589f1819c183bebd50ede899283e3b10d55",
   "run_id": "c006e5c16bb94ca6a182449d8782fa5e",
   "score": 0.017663,
   "decision": "approve",
   "ground_truth": 0,
   "ground_truth_column": "ground_truth.is_fraud",
   "inputs": {
    "amount": 145.58,
    "merchant_category": "travel",
    "country": "GB",
    "customer_age_band": "41-60",
    "customer_gender": "M",
    "region": "west",
    "card_present": 1,
    "hour": 1
   },
   "fields": {
    "prediction_id": "pred-000017",
    "timestamp": "2026-11-09T01:20:05.142Z",
    "model_uri": "models:/fraud-detector@production",
    "model_version": "3",
    "run_id": "c006e5c16bb94ca6a182449d8782fa5e",
    "model_sha256": "ebd79302e7feb36356af7f8b7383f589f1819c183bebd50ede899283e3b10d55",
    "transaction_id": "tx-live-000017",
    "inputs.amount": 145.58,
    "inputs.merchant_category": "travel",
    "inputs.country": "GB",
    "inputs.customer_age_band": "41-60",
    "inputs.customer_gender": "M",
    "inputs.region": "west",
    "inputs.card_present": 1,
    "inputs.hour": 1,
    "score": 0.017663,
    "decision": "approve",
    "ground_truth.is_fraud": 0,
    "ground_truth.labelled_at": "2026-11-14T02:00:00.000Z"
   }
  },
  "also_logged": [
   "inference/predictions.csv line 18",
   "inference/predictions.parquet row 16"
  ],
  "model": {
   "name": "fraud-detector",
   "version": "3",
   "digest": "ebd79302e7feb36356af7f8b7383f589f1819c183bebd50ede899283e3b10d55",
   "node": "model-version:fraud-detector/3",
   "alias": "production",
   "alias_now": "3",
   "logged_model": "logged-model:m-714b3dc3007242b982c6451ca7bad30c",
   "artifacts": [
    "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/model.pkl",
    "mlflow/artifacts/models/m-a09dc4774f3b4598acc740275415c0f5/artifacts/model.pkl",
    "serving/fraud-detector/model.pkl"
   ]
  },
  "run": {
   "id": "c006e5c16bb94ca6a182449d8782fa5e",
   "name": "train-v2.0",
   "node": "run:c006e5c16bb94ca6a182449d8782fa5e",
   "user": "priya.nair",
   "start_time": 1793897525701,
   "metrics": {
    "auc": 0.80936,
    "f1": 0.2,
    "precision": 0.145833,
    "recall": 0.318182
   }
  },
  "commit": {
   "sha": "0a90b199aada753eb54ef1c1a6e94b6d40cccb06",
   "summary": "Train: deeper trees",
   "repository": "project.git",
   "tags": [
    "v2.0"
   ],
   "node": "commit:0a90b199aada753eb54ef1c1a6e94b6d40cccb06"
  },
  "params": {
   "learning_rate": "0.2",
   "max_depth": "5",
   "n_estimators": "50",
   "seed": "42",
   "split_seed": "7",
   "test_size": "0.2"
  },
  "environment": [
   {
    "path": "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/conda.yaml",
    "sha256": "d4e8db9a16536405992d257f9ad3da560ab69a3e4645bb0810f7170f2615aa95",
    "md5": null,
    "node": "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/conda.yaml",
    "status": "signature-valid"
   },
   {
    "path": "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/python_env.yaml",
    "sha256": "3505cd5092e5e3917b266d040efdc577ae9d55c65e71f455ea62c2bcf511a290",
    "md5": null,
    "node": "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/python_env.yaml",
    "status": "signature-valid"
   },
   {
    "path": "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/requirements.txt",
    "sha256": "58506a2d49c2bd3bc2dd7f194d1a34d0b8b8a4e98070fce5219b0ffa97f9898a",
    "md5": null,
    "node": "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/requirements.txt",
    "status": "signature-valid"
   }
  ],
  "datasets": [
   {
    "path": "project/data/processed/train.parquet",
    "sha256": "1ad06ace72277e1f237944097b68f8d63b5cc2ae5582af1e8db6f56f8cd302f4",
    "md5": "d6ae5f9053564c9f1ca67cbb01107c93",
    "role": "training",
    "name": "train",
    "digest": "43004ce4",
    "rows": 4400,
    "node": "dataset:ea7fe454b4cd4c558adafae2d8fa15d2",
    "data_version": "data:project/data/processed@d9ed589b5142dcf4c3bf052fa88c0a11.dir",
    "status": "unverifiable"
   },
   {
    "path": "project/data/processed/test.parquet",
    "sha256": "31da1c40b8eb013f145f89cea3fad25e41a0ae667621b8cace6839c04b65a28f",
    "md5": "0b074341c81862faa63a14c7122233aa",
    "role": "testing",
    "name": "test",
    "digest": "44c93b0d",
    "rows": 800,
    "node": "dataset:684defc8969147248b2c61d025155094",
    "data_version": "data:project/data/processed@d9ed589b5142dcf4c3bf052fa88c0a11.dir",
    "status": "unverifiable"
   }
  ],
  "sources": [
   {
    "path": "project/data/raw/internal_reviews.csv",
    "sha256": "f2eaf5e62e3762dd5068e5eb7705771f67652d5520bdc96c351619e347a414a4",
    "md5": "ddeba17c4f93a501dfc79f452bf7edf6",
    "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
    "status": "verified"
   },
   {
    "path": "project/data/raw/transactions.csv",
    "sha256": "bd4a6a2d23095e43d72f5a915331c6fa7c28fa5f78b98916347eeb87544c16b1",
    "md5": "07fbaa75508cef5a1b4f4f9ea1f375f5",
    "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
    "status": "verified"
   }
  ],
  "verification": [
   {
    "link": "log",
    "node": "file:inference/predictions.jsonl",
    "status": "signature-valid",
    "detail": "the log inference/predictions.jsonl: the file's bytes are the signed bytes; the detached Ed25519 signature verifies under Ed25519 key 49ef27366a76 (trusted: supplied by the investigator (/work/main/fixtures/keys/serving-ed25519.pub))"
   },
   {
    "link": "model",
    "node": "model-version:fraud-detector/3",
    "status": "verified",
    "detail": "model version fraud-detector/3: source models:/m-714b3dc3007242b982c6451ca7bad30c is a model logged by the version's run"
   },
   {
    "link": "artifact",
    "node": "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/model.pkl",
    "status": "verified",
    "detail": "the logged digest ebd79302e7fe is the SHA-256 of mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/model.pkl (re-hashed from the bytes)"
   },
   {
    "link": "artifact",
    "node": "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/model.pkl",
    "status": "signature-valid",
    "detail": "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/model.pkl: the file's bytes are the signed bytes; the DSSE signature verifies under Ed25519 key 8079b66270ed (trusted: supplied by the investigator (/work/main/fixtures/keys/provenance-ed25519.intoto.json))"
   },
   {
    "link": "run",
    "node": "run:c006e5c16bb94ca6a182449d8782fa5e",
    "status": "verified",
    "detail": "run c006e5c16bb94ca6a182449d8782fa5e: artifact location found at mlflow/artifacts/c006e5c16bb94ca6a182449d8782fa5e/artifacts (recorded under /srv/ml-platform on the machine that wrote it; re-rooted onto the evidence folder)"
   },
   {
    "link": "run",
    "node": "run:c006e5c16bb94ca6a182449d8782fa5e",
    "status": "verified",
    "detail": "the log's run id is the run that produced fraud-detector/3"
   },
   {
    "link": "commit",
    "node": "commit:0a90b199aada753eb54ef1c1a6e94b6d40cccb06",
    "status": "verified",
    "detail": "commit 0a90b199aada: the provenance's source commit 0a90b199aada753eb54ef1c1a6e94b6d40cccb06 is in the evidence and is the commit its run records"
   },
   {
    "link": "environment",
    "node": "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/conda.yaml",
    "status": "signature-valid",
    "detail": "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/conda.yaml: the file's bytes are the signed bytes; the DSSE signature verifies under Ed25519 key 8079b66270ed (trusted: supplied by the investigator (/work/main/fixtures/keys/provenance-ed25519.intoto.json))"
   },
   {
    "link": "environment",
    "node": "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/python_env.yaml",
    "status": "signature-valid",
    "detail": "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/python_env.yaml: the file's bytes are the signed bytes; the DSSE signature verifies under Ed25519 key 8079b66270ed (trusted: supplied by the investigator (/work/main/fixtures/keys/provenance-ed25519.intoto.json))"
   },
   {
    "link": "environment",
    "node": "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/requirements.txt",
    "status": "signature-valid",
    "detail": "mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/requirements.txt: the file's bytes are the signed bytes; the DSSE signature verifies under Ed25519 key 8079b66270ed (trusted: supplied by the investigator (/work/main/fixtures/keys/provenance-ed25519.intoto.json))"
   },
   {
    "link": "dataset",
    "node": "data:project/data/processed@d9ed589b5142dcf4c3bf052fa88c0a11.dir",
    "status": "verified",
    "detail": "project/data/processed/test.parquet (DVC data version d9ed589b5142dcf4c3bf052fa88c0a11.dir): cache manifest object matches its recorded md5"
   },
   {
    "link": "dataset",
    "node": "data:project/data/processed@d9ed589b5142dcf4c3bf052fa88c0a11.dir",
    "status": "verified",
    "detail": "project/data/processed/test.parquet: bytes found for md5 0b074341c81862faa63a14c7122233aa (sha256 31da1c40b8eb)"
   },
   {
    "link": "dataset",
    "node": "dataset:684defc8969147248b2c61d025155094",
    "status": "unverifiable",
    "detail": "dataset test@44c93b0d: source found at project/data/processed/test.parquet and tied to the DVC data version locked at the run's commit; MLflow's digest 44c93b0d hashes pandas' in-memory form and cannot be recomputed from the file"
   },
   {
    "link": "dataset",
    "node": "data:project/data/processed@d9ed589b5142dcf4c3bf052fa88c0a11.dir",
    "status": "verified",
    "detail": "project/data/processed/train.parquet (DVC data version d9ed589b5142dcf4c3bf052fa88c0a11.dir): cache manifest object matches its recorded md5"
   },
   {
    "link": "dataset",
    "node": "data:project/data/processed@d9ed589b5142dcf4c3bf052fa88c0a11.dir",
    "status": "verified",
    "detail": "project/data/processed/train.parquet: bytes found for md5 d6ae5f9053564c9f1ca67cbb01107c93 (sha256 1ad06ace7227)"
   },
   {
    "link": "dataset",
    "node": "dataset:ea7fe454b4cd4c558adafae2d8fa15d2",
    "status": "unverifiable",
    "detail": "dataset train@43004ce4: source found at project/data/processed/train.parquet and tied to the DVC data version locked at the run's commit; MLflow's digest 43004ce4 hashes pandas' in-memory form and cannot be recomputed from the file"
   },
   {
    "link": "source",
    "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
    "status": "verified",
    "detail": "raw source project/data/raw/transactions.csv: cache object matches its recorded md5"
   },
   {
    "link": "source",
    "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
    "status": "verified",
    "detail": "raw source project/data/raw/internal_reviews.csv: cache object matches its recorded md5"
   }
  ],
  "chain": [
   "file:inference/predictions.jsonl",
   "alias:fraud-detector@production",
   "model-version:fraud-detector/3",
   "logged-model:m-714b3dc3007242b982c6451ca7bad30c",
   "file:mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/model.pkl",
   "run:c006e5c16bb94ca6a182449d8782fa5e",
   "commit:0a90b199aada753eb54ef1c1a6e94b6d40cccb06",
   "dataset:684defc8969147248b2c61d025155094",
   "data:project/data/processed@d9ed589b5142dcf4c3bf052fa88c0a11.dir",
   "dataset:ea7fe454b4cd4c558adafae2d8fa15d2",
   "stage:project/dvc.lock:prepare@ccc79211fbf4",
   "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
   "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6"
  ],
  "failures": 0
 },
 "training": {
  "reference": "dataset:ea7fe454b4cd4c558adafae2d8fa15d2",
  "node": "data:project/data/processed@d9ed589b5142dcf4c3bf052fa88c0a11.dir",
  "path": "project/data/processed/train.parquet",
  "read_from": "project/.dvc/cache/files/md5/d6/ae5f9053564c9f1ca67cbb01107c93",
  "md5": "d6ae5f9053564c9f1ca67cbb01107c93",
  "sha256": "1ad06ace72277e1f237944097b68f8d63b5cc2ae5582af1e8db6f56f8cd302f4",
  "rows": 4400,
  "columns": [
   "transaction_id",
   "timestamp",
   "amount",
   "merchant_category",
   "country",
   "customer_age_band",
   "customer_gender",
   "region",
   "card_present",
   "hour",
   "is_fraud",
   "source_file"
  ]
 },
 "label": "is_fraud",
 "group_profile": [
  {
   "attribute": "merchant_category",
   "value": "travel",
   "group": {
    "key": [
     "travel"
    ],
    "count": 355,
    "share": 0.08068181818181819,
    "reference_count": null,
    "reference_share": null,
    "labelled": 355,
    "base_rate": 0.03943661971830986,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 105,
      "share": 0.29577464788732394
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 250,
      "share": 0.704225352112676
     }
    ]
   },
   "overall": {
    "key": [],
    "count": 4400,
    "share": 1.0,
    "reference_count": null,
    "reference_share": null,
    "labelled": 4400,
    "base_rate": 0.07568181818181818,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 1200,
      "share": 0.2727272727272727
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 3200,
      "share": 0.7272727272727273
     }
    ]
   }
  },
  {
   "attribute": "country",
   "value": "GB",
   "group": {
    "key": [
     "GB"
    ],
    "count": 2009,
    "share": 0.4565909090909091,
    "reference_count": null,
    "reference_share": null,
    "labelled": 2009,
    "base_rate": 0.059233449477351915,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 540,
      "share": 0.26879044300647087
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 1469,
      "share": 0.7312095569935291
     }
    ]
   },
   "overall": {
    "key": [],
    "count": 4400,
    "share": 1.0,
    "reference_count": null,
    "reference_share": null,
    "labelled": 4400,
    "base_rate": 0.07568181818181818,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 1200,
      "share": 0.2727272727272727
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 3200,
      "share": 0.7272727272727273
     }
    ]
   }
  },
  {
   "attribute": "customer_age_band",
   "value": "41-60",
   "group": {
    "key": [
     "41-60"
    ],
    "count": 1216,
    "share": 0.27636363636363637,
    "reference_count": null,
    "reference_share": null,
    "labelled": 1216,
    "base_rate": 0.024671052631578948,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 177,
      "share": 0.1455592105263158
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 1039,
      "share": 0.8544407894736842
     }
    ]
   },
   "overall": {
    "key": [],
    "count": 4400,
    "share": 1.0,
    "reference_count": null,
    "reference_share": null,
    "labelled": 4400,
    "base_rate": 0.07568181818181818,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 1200,
      "share": 0.2727272727272727
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 3200,
      "share": 0.7272727272727273
     }
    ]
   }
  },
  {
   "attribute": "customer_gender",
   "value": "M",
   "group": {
    "key": [
     "M"
    ],
    "count": 2173,
    "share": 0.49386363636363634,
    "reference_count": null,
    "reference_share": null,
    "labelled": 2173,
    "base_rate": 0.08145421076852279,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 588,
      "share": 0.27059364933271973
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 1585,
      "share": 0.7294063506672802
     }
    ]
   },
   "overall": {
    "key": [],
    "count": 4400,
    "share": 1.0,
    "reference_count": null,
    "reference_share": null,
    "labelled": 4400,
    "base_rate": 0.07568181818181818,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 1200,
      "share": 0.2727272727272727
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 3200,
      "share": 0.7272727272727273
     }
    ]
   }
  },
  {
   "attribute": "region",
   "value": "west",
   "group": {
    "key": [
     "west"
    ],
    "count": 710,
    "share": 0.16136363636363638,
    "reference_count": null,
    "reference_share": null,
    "labelled": 710,
    "base_rate": 0.038028169014084505,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 46,
      "share": 0.0647887323943662
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 664,
      "share": 0.9352112676056338
     }
    ]
   },
   "overall": {
    "key": [],
    "count": 4400,
    "share": 1.0,
    "reference_count": null,
    "reference_share": null,
    "labelled": 4400,
    "base_rate": 0.07568181818181818,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 1200,
      "share": 0.2727272727272727
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 3200,
      "share": 0.7272727272727273
     }
    ]
   }
  },
  {
   "attribute": "card_present",
   "value": "1",
   "group": {
    "key": [
     "1"
    ],
    "count": 2366,
    "share": 0.5377272727272727,
    "reference_count": null,
    "reference_share": null,
    "labelled": 2366,
    "base_rate": 0.03634826711749789,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 634,
      "share": 0.2679628064243449
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 1732,
      "share": 0.7320371935756551
     }
    ]
   },
   "overall": {
    "key": [],
    "count": 4400,
    "share": 1.0,
    "reference_count": null,
    "reference_share": null,
    "labelled": 4400,
    "base_rate": 0.07568181818181818,
    "reference_base_rate": null,
    "selection_rate": null,
    "true_positive_rate": null,
    "false_positive_rate": null,
    "disparate_impact": null,
    "four_fifths_flag": false,
    "composition": [
     {
      "source": "project/data/raw/internal_reviews.csv",
      "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
      "rows": 1200,
      "share": 0.2727272727272727
     },
     {
      "source": "project/data/raw/transactions.csv",
      "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
      "rows": 3200,
      "share": 0.7272727272727273
     }
    ]
   }
  }
 ],
 "sources": [
  {
   "source": "project/data/raw/internal_reviews.csv",
   "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
   "rows": 1200,
   "share": 0.2727272727272727
  },
  {
   "source": "project/data/raw/transactions.csv",
   "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
   "rows": 3200,
   "share": 0.7272727272727273
  }
 ],
 "notes": []
} as unknown as Dossier;
