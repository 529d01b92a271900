#!/usr/bin/env python3
"""Prepares a running moto server for the test suite: an IAM user with an access key and a
policy allowing kms:*, two KMS keys with aliases, then turns on moto's signature checking
(POST 0 to /moto-api/reset-auth) so that a wrong signature fails. Prints `export` lines."""
import json, sys, urllib.request
import boto3

url = sys.argv[1]
boot = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam = boto3.client("iam", **boot)
iam.create_user(UserName="secrets-test")
policy = iam.create_policy(PolicyName="kms-all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["kms:*", "sts:*"], "Resource": "*"}]}))
iam.attach_user_policy(UserName="secrets-test", PolicyArn=policy["Policy"]["Arn"])
key = iam.create_access_key(UserName="secrets-test")["AccessKey"]
creds = dict(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
kms = boto3.client("kms", endpoint_url=url, region_name="us-east-1", **creds)
arns = {}
for alias in ("secrets-test", "secrets-other"):
    arn = kms.create_key(Description=alias)["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/" + alias, TargetKeyId=arn)
    arns[alias] = arn
req = urllib.request.Request(url + "/moto-api/reset-auth", data=b"0", headers={"Content-Type": "text/plain"}, method="POST")
urllib.request.urlopen(req).read()
print(f"export SECRETS_TEST_MOTO_URL={url}")
print(f"export SECRETS_TEST_AWS_ACCESS_KEY_ID={key['AccessKeyId']}")
print(f"export SECRETS_TEST_AWS_SECRET_ACCESS_KEY={key['SecretAccessKey']}")
print(f"export SECRETS_TEST_KEY_ARN={arns['secrets-test']}")
print(f"export SECRETS_TEST_OTHER_KEY_ARN={arns['secrets-other']}")
