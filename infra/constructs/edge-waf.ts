import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { EdgeContext } from './edge-context';

/** The AWS managed rule groups the web ACL runs, in priority order after the rate limit. */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet'] as const;

/**
 * A regional WAFv2 web ACL on the API's stage: a per-IP rate limit, then Amazon's IP reputation
 * list, known bad inputs and the common rule set. Anything no rule blocks is allowed (Cognito and
 * the API keys decide who may call; the WAF only takes off the noise and the floods).
 *
 * CloudWatch metrics on, for the ACL and each rule. Sampled requests off: a sample holds the
 * request's headers, which here are a bearer token and an API key (long-lived), readable for 3
 * hours to anyone allowed wafv2:GetSampledRequests. No WAF logging either, for the same reason
 * (the access log has the WAF's status and response code per request instead).
 */
export function gatewayWaf(scope: Construct, options: { stage: apigateway.Stage; waf: EdgeContext['waf'] }): wafv2.CfnWebACL {
  const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: false,
    metricName,
  });
  const managed = (name: (typeof MANAGED_RULE_GROUPS)[number], priority: number, ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides ? { ruleActionOverrides } : {}) } },
    visibilityConfig: visibility(name),
  });

  const acl = new wafv2.CfnWebACL(scope, 'ApiWaf', {
    scope: 'REGIONAL',
    description: 'sirius-gateway API: per-IP rate limit and AWS managed rules',
    defaultAction: { allow: {} },
    visibilityConfig: visibility('sirius-gateway-api'),
    rules: [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: { aggregateKeyType: 'IP', limit: options.waf.rateLimit, evaluationWindowSec: options.waf.evaluationWindowSec },
        },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      managed('AWSManagedRulesAmazonIpReputationList', 1),
      managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      // SizeRestrictions_BODY blocks bodies over 8 KB. The registered operations are small (the
      // largest, use-an-lpa v3 ViewSharedLpa, is 1.2 KB), but sirius-case-management's
      // CreateCodesForLetters takes up to 100 codes a request (MAX_CODES_PER_REQUEST), and 100 codes
      // are about 9.5 KB of variables: blocking would split Sirius's letter runs for no gain. So
      // that one rule only counts (its metric still shows oversized bodies); the gateway refuses
      // bodies over MAX_BODY_BYTES itself (413), and every other rule of the set still blocks.
      managed('AWSManagedRulesCommonRuleSet', 3, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
    ],
  });
  new wafv2.CfnWebACLAssociation(scope, 'ApiWafAssociation', { resourceArn: options.stage.stageArn, webAclArn: acl.attrArn });
  return acl;
}
