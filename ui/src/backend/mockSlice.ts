// Slices of the demo case as the engine computed them, on the case mockTrace.ts was traced in
// (fixtures/cases/fraud-detection investigated with its scenario keys). Kept as the engine
// writes them (`null` for absent values).
import type { SliceReport } from "../generated/SliceReport";
import type { TableIdentity } from "../generated/TableIdentity";

/** The production training set by age band, against staging's: the output of
 *    custody slice CASE project/data/processed/train.parquet@v2.0 --by customer_age_band \
 *      --label is_fraud --reference project/data/processed/train.parquet@v1.1 --json */
export const DEMO_SLICE = {
 "dataset": {
  "reference": "project/data/processed/train.parquet@v2.0",
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
 "reference": {
  "reference": "project/data/processed/train.parquet@v1.1",
  "node": "data:project/data/processed@0d2b50b0332e95eec68ba7bf018a8193.dir",
  "path": "project/data/processed/train.parquet",
  "read_from": "project/.dvc/cache/files/md5/0a/223d7821f31abc57afdfae1baf7a18",
  "md5": "0a223d7821f31abc57afdfae1baf7a18",
  "sha256": "17b6efc6593acdcd05e4c53ca9866d364cf789f07be8641ef183a2c9519bee80",
  "rows": 3200,
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
 "by": [
  "customer_age_band"
 ],
 "label": "is_fraud",
 "prediction": null,
 "rows": 4400,
 "reference_rows": 3200,
 "groups": [
  {
   "key": [
    "18-25"
   ],
   "count": 551,
   "share": 0.12522727272727271,
   "reference_count": 484,
   "reference_share": 0.15125,
   "labelled": 551,
   "base_rate": 0.032667876588021776,
   "reference_base_rate": 0.028925619834710745,
   "selection_rate": null,
   "true_positive_rate": null,
   "false_positive_rate": null,
   "disparate_impact": null,
   "four_fifths_flag": false,
   "composition": [
    {
     "source": "project/data/raw/internal_reviews.csv",
     "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
     "rows": 67,
     "share": 0.12159709618874773
    },
    {
     "source": "project/data/raw/transactions.csv",
     "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
     "rows": 484,
     "share": 0.8784029038112523
    }
   ]
  },
  {
   "key": [
    "26-40"
   ],
   "count": 1317,
   "share": 0.2993181818181818,
   "reference_count": 1201,
   "reference_share": 0.3753125,
   "labelled": 1317,
   "base_rate": 0.031131359149582385,
   "reference_base_rate": 0.028309741881765195,
   "selection_rate": null,
   "true_positive_rate": null,
   "false_positive_rate": null,
   "disparate_impact": null,
   "four_fifths_flag": false,
   "composition": [
    {
     "source": "project/data/raw/internal_reviews.csv",
     "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
     "rows": 116,
     "share": 0.08807896735003796
    },
    {
     "source": "project/data/raw/transactions.csv",
     "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
     "rows": 1201,
     "share": 0.911921032649962
    }
   ]
  },
  {
   "key": [
    "41-60"
   ],
   "count": 1216,
   "share": 0.27636363636363637,
   "reference_count": 1039,
   "reference_share": 0.3246875,
   "labelled": 1216,
   "base_rate": 0.024671052631578948,
   "reference_base_rate": 0.023099133782483156,
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
  {
   "key": [
    "60+"
   ],
   "count": 1316,
   "share": 0.2990909090909091,
   "reference_count": 476,
   "reference_share": 0.14875,
   "labelled": 1316,
   "base_rate": 0.18541033434650456,
   "reference_base_rate": 0.037815126050420166,
   "selection_rate": null,
   "true_positive_rate": null,
   "false_positive_rate": null,
   "disparate_impact": null,
   "four_fifths_flag": false,
   "composition": [
    {
     "source": "project/data/raw/internal_reviews.csv",
     "node": "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6",
     "rows": 840,
     "share": 0.6382978723404256
    },
    {
     "source": "project/data/raw/transactions.csv",
     "node": "data:project/data/raw/transactions.csv@07fbaa75508cef5a1b4f4f9ea1f375f5",
     "rows": 476,
     "share": 0.3617021276595745
    }
   ]
  }
 ],
 "overall": {
  "key": [],
  "count": 4400,
  "share": 1.0,
  "reference_count": 3200,
  "reference_share": 1.0,
  "labelled": 4400,
  "base_rate": 0.07568181818181818,
  "reference_base_rate": 0.028125,
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
 },
 "disparity": null,
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
 "matched_on": [
  {
   "source": "project/data/raw/internal_reviews.csv",
   "columns": [
    "amount",
    "card_present",
    "country",
    "customer_age_band",
    "customer_gender",
    "hour",
    "is_fraud",
    "merchant_category",
    "region",
    "timestamp",
    "transaction_id"
   ],
   "renamed": []
  },
  {
   "source": "project/data/raw/transactions.csv",
   "columns": [
    "amount",
    "card_present",
    "country",
    "customer_age_band",
    "customer_gender",
    "hour",
    "is_fraud",
    "merchant_category",
    "region",
    "timestamp",
    "transaction_id"
   ],
   "renamed": []
  }
 ],
 "notes": []
} as unknown as SliceReport;

/** The production model's decisions by age band, with ground truth: the output of
 *    custody slice CASE inference/predictions.parquet --by customer_age_band --label is_fraud \
 *      --prediction decision=decline --where model_version=3 --json */
export const DEMO_SLICE_DECISIONS = {
 "dataset": {
  "reference": "inference/predictions.parquet",
  "node": "file:inference/predictions.parquet",
  "path": "inference/predictions.parquet",
  "read_from": "inference/predictions.parquet",
  "md5": null,
  "sha256": "a55dac7c97c05dfc85156c01551808b5679f543d202c4a25d70e7e42230f9bf0",
  "rows": 3000,
  "columns": [
   "prediction_id",
   "timestamp",
   "model_uri",
   "model_version",
   "run_id",
   "model_sha256",
   "transaction_id",
   "amount",
   "merchant_category",
   "country",
   "customer_age_band",
   "customer_gender",
   "region",
   "card_present",
   "hour",
   "score",
   "decision",
   "is_fraud",
   "labelled_at"
  ]
 },
 "reference": null,
 "by": [
  "customer_age_band"
 ],
 "label": "is_fraud",
 "prediction": "decision=decline",
 "rows": 2558,
 "reference_rows": null,
 "groups": [
  {
   "key": [
    "18-25"
   ],
   "count": 382,
   "share": 0.1493354182955434,
   "reference_count": null,
   "reference_share": null,
   "labelled": 264,
   "base_rate": 0.030303030303030304,
   "reference_base_rate": null,
   "selection_rate": 0.022727272727272728,
   "true_positive_rate": 0.0,
   "false_positive_rate": 0.0234375,
   "disparate_impact": 0.12758264462809918,
   "four_fifths_flag": true,
   "composition": []
  },
  {
   "key": [
    "26-40"
   ],
   "count": 961,
   "share": 0.37568412822517594,
   "reference_count": null,
   "reference_share": null,
   "labelled": 662,
   "base_rate": 0.01812688821752266,
   "reference_base_rate": null,
   "selection_rate": 0.015105740181268883,
   "true_positive_rate": 0.08333333333333333,
   "false_positive_rate": 0.013846153846153847,
   "disparate_impact": 0.08479813238121396,
   "four_fifths_flag": true,
   "composition": []
  },
  {
   "key": [
    "41-60"
   ],
   "count": 850,
   "share": 0.33229085222830335,
   "reference_count": null,
   "reference_share": null,
   "labelled": 588,
   "base_rate": 0.02891156462585034,
   "reference_base_rate": null,
   "selection_rate": 0.03231292517006803,
   "true_positive_rate": 0.29411764705882354,
   "false_positive_rate": 0.024518388791593695,
   "disparate_impact": 0.18139301175015463,
   "four_fifths_flag": true,
   "composition": []
  },
  {
   "key": [
    "60+"
   ],
   "count": 365,
   "share": 0.14268960125097732,
   "reference_count": null,
   "reference_share": null,
   "labelled": 247,
   "base_rate": 0.03643724696356275,
   "reference_base_rate": null,
   "selection_rate": 0.17813765182186234,
   "true_positive_rate": 0.4444444444444444,
   "false_positive_rate": 0.16806722689075632,
   "disparate_impact": 1.0,
   "four_fifths_flag": false,
   "composition": []
  }
 ],
 "overall": {
  "key": [],
  "count": 2558,
  "share": 1.0,
  "reference_count": null,
  "reference_share": null,
  "labelled": 1761,
  "base_rate": 0.02612152186257808,
  "reference_base_rate": null,
  "selection_rate": 0.044860874503123226,
  "true_positive_rate": 0.21739130434782608,
  "false_positive_rate": 0.0402332361516035,
  "disparate_impact": null,
  "four_fifths_flag": false,
  "composition": []
 },
 "disparity": {
  "demographic_parity_difference": 0.16303191164059344,
  "demographic_parity_ratio": 0.08479813238121396,
  "equalized_odds_difference": 0.4444444444444444,
  "equalized_odds_ratio": 0.0,
  "max_selection_group": [
   "60+"
  ],
  "min_selection_group": [
   "26-40"
  ],
  "four_fifths_violations": 3
 },
 "sources": [],
 "matched_on": [],
 "notes": [
  "1761 of 2558 rows have a label and a prediction: rates are over those rows, the rows fairlearn would be given",
  "the four-fifths flags compare each group's rate of the predicted outcome with the highest; the rule is meant for a favourable outcome (with an adverse one, e.g. a decline, the groups it disfavours are those with the highest rates)"
 ]
} as unknown as SliceReport;

/** What `table_columns` answers for the production training set (DEMO_SLICE's dataset). */
export const DEMO_TABLE: TableIdentity = DEMO_SLICE.dataset;
