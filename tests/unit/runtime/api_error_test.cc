#include "operator/client/api_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace cop::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr milliseconds kBackoff{5};

// A Status body as kube-apiserver writes it (apimachinery metav1 types.go, §4.1).
std::string statusBody(int code, const std::string& reason, const std::string& message,
                       const std::string& details = "{}") {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" +
         message + R"(","reason":")" + reason + R"(","details":)" + details + R"(,"code":)" +
         std::to_string(code) + "}";
}

ApiError fromStatus(int code, const std::string& reason, const std::string& message,
                    const std::string& details = "{}") {
  return apiErrorFromResponse(code, {}, statusBody(code, reason, message, details));
}

struct ReasonCase {
  int code;
  const char* reason;
  ApiErrorKind kind;
};

void PrintTo(const ReasonCase& c, std::ostream* out) {
  *out << c.code << " " << c.reason;
}

class ApiErrorReasonTest : public ::testing::TestWithParam<ReasonCase> {};

// §4.1 table and §10.15: every reason from a real-looking Status body, and the same code with
// no Status body (a proxy's HTML) maps to the same kind.
TEST_P(ApiErrorReasonTest, StatusReasonAndBareCodeGiveTheKind) {
  const ReasonCase& c = GetParam();
  const ApiError error = fromStatus(c.code, c.reason, "the server says no");
  EXPECT_EQ(error.kind, c.kind) << c.reason;
  EXPECT_EQ(error.code, c.code);
  EXPECT_EQ(error.reason, c.reason);
  EXPECT_EQ(error.message, "the server says no");
  EXPECT_TRUE(error.statusBody);
}

INSTANTIATE_TEST_SUITE_P(
    AllReasons, ApiErrorReasonTest,
    ::testing::Values(ReasonCase{400, "BadRequest", ApiErrorKind::BadRequest},
                      ReasonCase{401, "Unauthorized", ApiErrorKind::Unauthorized},
                      ReasonCase{403, "Forbidden", ApiErrorKind::Forbidden},
                      ReasonCase{404, "NotFound", ApiErrorKind::NotFound},
                      ReasonCase{405, "MethodNotAllowed", ApiErrorKind::MethodNotAllowed},
                      ReasonCase{406, "NotAcceptable", ApiErrorKind::NotAcceptable},
                      ReasonCase{409, "AlreadyExists", ApiErrorKind::AlreadyExists},
                      ReasonCase{409, "Conflict", ApiErrorKind::Conflict},
                      ReasonCase{410, "Expired", ApiErrorKind::Expired},
                      ReasonCase{410, "Gone", ApiErrorKind::Expired},
                      ReasonCase{413, "RequestEntityTooLarge", ApiErrorKind::RequestEntityTooLarge},
                      ReasonCase{415, "UnsupportedMediaType", ApiErrorKind::UnsupportedMediaType},
                      ReasonCase{422, "Invalid", ApiErrorKind::Invalid},
                      ReasonCase{429, "TooManyRequests", ApiErrorKind::TooManyRequests},
                      ReasonCase{500, "InternalError", ApiErrorKind::InternalError},
                      ReasonCase{500, "ServerTimeout", ApiErrorKind::ServerTimeout},
                      ReasonCase{503, "ServiceUnavailable", ApiErrorKind::ServiceUnavailable},
                      ReasonCase{504, "Timeout", ApiErrorKind::Timeout}));

struct CodeCase {
  int code;
  ApiErrorKind kind;
};

void PrintTo(const CodeCase& c, std::ostream* out) {
  *out << c.code << " " << kindName(c.kind);
}

class ApiErrorCodeTest : public ::testing::TestWithParam<CodeCase> {};

// §4.1 "map non-Status bodies by code".
TEST_P(ApiErrorCodeTest, NonStatusBodyMapsByCode) {
  const CodeCase& c = GetParam();
  const ApiError error = apiErrorFromResponse(c.code, {}, "<html><body>Bad Gateway</body></html>");
  EXPECT_EQ(error.kind, c.kind) << c.code;
  EXPECT_FALSE(error.statusBody);
  EXPECT_TRUE(error.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(
    AllCodes, ApiErrorCodeTest,
    ::testing::Values(
        CodeCase{400, ApiErrorKind::BadRequest}, CodeCase{401, ApiErrorKind::Unauthorized},
        CodeCase{403, ApiErrorKind::Forbidden}, CodeCase{404, ApiErrorKind::NotFound},
        CodeCase{405, ApiErrorKind::MethodNotAllowed}, CodeCase{409, ApiErrorKind::Conflict},
        CodeCase{410, ApiErrorKind::Expired}, CodeCase{413, ApiErrorKind::RequestEntityTooLarge},
        CodeCase{415, ApiErrorKind::UnsupportedMediaType}, CodeCase{422, ApiErrorKind::Invalid},
        CodeCase{429, ApiErrorKind::TooManyRequests}, CodeCase{500, ApiErrorKind::InternalError},
        CodeCase{502, ApiErrorKind::ServerError}, CodeCase{503, ApiErrorKind::ServiceUnavailable},
        CodeCase{504, ApiErrorKind::Timeout}, CodeCase{418, ApiErrorKind::Unknown}));

// client-go apierrors: a known reason decides even when the code disagrees.
TEST(ApiErrorTest, KnownReasonWinsOverCode) {
  EXPECT_EQ(apiErrorFromResponse(500, {}, statusBody(500, "NotFound", "x")).kind,
            ApiErrorKind::NotFound);
  // An unknown reason falls back to the code.
  EXPECT_EQ(apiErrorFromResponse(404, {}, statusBody(404, "SomethingNew", "x")).kind,
            ApiErrorKind::NotFound);
  // A Status with no reason at all (aggregated API servers send these).
  EXPECT_EQ(apiErrorFromResponse(409, {}, R"({"kind":"Status","code":409})").kind,
            ApiErrorKind::Conflict);
}

TEST(ApiErrorTest, DetailsAreRead) {
  const ApiError error = fromStatus(404, "NotFound", R"(configmaps \"web\" not found)",
                                    R"({"name":"web","kind":"configmaps"})");
  EXPECT_TRUE(isNotFound(error));
  EXPECT_EQ(error.objectName, "web");
  EXPECT_EQ(error.objectKind, "configmaps");
  EXPECT_EQ(error.describe(), R"(NotFound (404): configmaps "web" not found)");
}

// §4.1 422 row: causes reach the caller typed.
TEST(ApiErrorTest, InvalidCarriesItsCauses) {
  const ApiError error = fromStatus(
      422, "Invalid", R"(Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1)",
      R"({"name":"web","group":"apps","kind":"Deployment","causes":[
        {"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"},
        {"reason":"FieldValueRequired","message":"Required value","field":"spec.selector"}]})");
  ASSERT_TRUE(isInvalid(error));
  EXPECT_EQ(error.group, "apps");
  ASSERT_EQ(error.causes.size(), 2u);
  EXPECT_EQ(error.causes[0].reason, "FieldValueInvalid");
  EXPECT_EQ(error.causes[0].field, "spec.replicas");
  EXPECT_EQ(error.causes[1].reason, "FieldValueRequired");
  EXPECT_EQ(error.causes[1].message, "Required value");
  EXPECT_THAT(error.describe(), HasSubstr("spec.selector: Required value"));
  EXPECT_FALSE(isRetriable(error, true));
}

// §3.1 / §10.12: an unforced apply's 409 FieldManagerConflict.
TEST(ApiErrorTest, ApplyConflictCausesAreTyped) {
  const ApiError error = fromStatus(
      409, "Conflict", R"(Apply failed with 1 conflict: conflict with \"kubectl-edit\")",
      R"({"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl-edit\" using apps/v1","field":".spec.replicas"}]})");
  EXPECT_TRUE(isConflict(error));
  EXPECT_TRUE(isFieldManagerConflict(error));
  EXPECT_FALSE(isFieldManagerConflict(fromStatus(409, "Conflict", "the object has been modified")));
  EXPECT_FALSE(isAlreadyExists(error));
}

TEST(ApiErrorTest, ExpiredMatchesOn410WhateverTheReason) {
  EXPECT_TRUE(isExpired(fromStatus(410, "Expired", "too old resource version: 5 (1042)")));
  EXPECT_TRUE(isExpired(fromStatus(410, "Gone", "too old resource version")));
  EXPECT_TRUE(isExpired(apiErrorFromResponse(410, {}, "")));
  EXPECT_FALSE(isExpired(fromStatus(404, "NotFound", "x")));
}

// §1.5: 504 with cause ResourceVersionTooLarge, or the 1.17-1.18 message.
TEST(ApiErrorTest, ResourceVersionTooLarge) {
  const ApiError cause = fromStatus(
      504, "Timeout", "Timeout: Too large resource version: 1042, current: 1000",
      R"({"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":1})");
  EXPECT_TRUE(isResourceVersionTooLarge(cause));
  EXPECT_TRUE(isTimeout(cause));
  EXPECT_EQ(cause.retryAfter, seconds(1));
  EXPECT_TRUE(isResourceVersionTooLarge(fromStatus(504, "Timeout", "Too large resource version")));
  EXPECT_FALSE(isResourceVersionTooLarge(fromStatus(504, "Timeout", "request timed out")));
}

// A watch ERROR event's Status (§1.3) goes through the same mapping, code from the body.
TEST(ApiErrorTest, FromWatchErrorStatus) {
  const nlohmann::json status = nlohmann::json::parse(
      R"json({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
          "message":"too old resource version: 5 (1042)","reason":"Expired","code":410})json");
  const ApiError error = apiErrorFromStatus(status);
  EXPECT_TRUE(isExpired(error));
  EXPECT_EQ(error.code, 410);
  EXPECT_EQ(apiErrorFromStatus(nlohmann::json::object(), 500).kind, ApiErrorKind::InternalError);
  EXPECT_EQ(apiErrorFromStatus(nlohmann::json("not an object"), 0).kind, ApiErrorKind::Unknown);
}

TEST(ApiErrorTest, MissingOrBrokenBody) {
  const ApiError empty = apiErrorFromResponse(503, {}, "");
  EXPECT_EQ(empty.kind, ApiErrorKind::ServiceUnavailable);
  EXPECT_EQ(empty.message, "empty response body");
  EXPECT_EQ(apiErrorFromResponse(404, {}, "{\"kind\":\"Status\",").kind, ApiErrorKind::NotFound);
  // JSON that is no Status (e.g. an object echoed back) is treated as a foreign body.
  const ApiError other = apiErrorFromResponse(409, {}, R"({"kind":"ConfigMap","data":{}})");
  EXPECT_FALSE(other.statusBody);
  EXPECT_EQ(other.kind, ApiErrorKind::Conflict);
  // Wrong types in a Status are ignored, not thrown on.
  const ApiError typed = apiErrorFromResponse(
      422, {},
      R"({"kind":"Status","reason":7,"message":["x"],"details":{"causes":"no"},"code":"x"})");
  EXPECT_EQ(typed.kind, ApiErrorKind::Invalid);
  EXPECT_EQ(typed.code, 422);
  EXPECT_TRUE(typed.causes.empty());
}

// No error text quotes a body beyond cop::excerpt (48 bytes), and it is printable.
TEST(ApiErrorTest, NonStatusBodyIsOnlyExcerpted) {
  const std::string body = "<html><head><title>502 Bad Gateway</title></head>\n<body>" +
                           std::string(200, 'x') + "SECRET-TAIL-token=abc</body></html>";
  const ApiError error = apiErrorFromResponse(502, {}, body);
  EXPECT_THAT(error.describe(), HasSubstr("<html><head><title>502 Bad Gateway"));
  EXPECT_THAT(error.describe(), Not(HasSubstr("SECRET-TAIL")));
  EXPECT_THAT(error.describe(), Not(HasSubstr("xxxxxxxxxx")));
  EXPECT_THAT(error.describe(), Not(HasSubstr("\n")));
  EXPECT_LT(error.message.size(), 120u);
}

TEST(ApiErrorTest, StatusMessageIsPrintableAndCapped) {
  const std::string longMessage = "line one\\nline two " + std::string(3000, 'm') + "END";
  const ApiError error = fromStatus(500, "InternalError", longMessage);
  EXPECT_THAT(error.message, Not(HasSubstr("\n")));
  EXPECT_THAT(error.message, HasSubstr("line one\\nline two"));
  EXPECT_THAT(error.message, Not(HasSubstr("END")));
  EXPECT_LE(error.message.size(), kMaxStatusMessageBytes + 3);
}

// §4.1 429 row, §4.3: Retry-After in seconds; header wins over details.retryAfterSeconds.
TEST(ApiErrorTest, RetryAfterVariants) {
  const std::string body = statusBody(429, "TooManyRequests", "storage is (re)initializing",
                                      R"({"retryAfterSeconds":7})");
  EXPECT_EQ(apiErrorFromResponse(429, {{"Retry-After", "3"}}, body).retryAfter, seconds(3));
  EXPECT_EQ(apiErrorFromResponse(429, {{"retry-after", " 2 "}}, body).retryAfter, seconds(2));
  EXPECT_EQ(apiErrorFromResponse(429, {}, body).retryAfter, seconds(7));
  // HTTP-date, junk, negative: ignored as client-go ignores them; details still apply.
  EXPECT_EQ(apiErrorFromResponse(429, {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}, body)
                .retryAfter,
            seconds(7));
  EXPECT_EQ(apiErrorFromResponse(429, {{"Retry-After", "-1"}}, body).retryAfter, seconds(7));
  EXPECT_EQ(apiErrorFromResponse(429, {{"Retry-After", "1.5"}}, "").retryAfter, std::nullopt);
  EXPECT_EQ(apiErrorFromResponse(429, {{"Retry-After", "0"}}, "").retryAfter, seconds(0));
  EXPECT_EQ(apiErrorFromResponse(429, {}, "").retryAfter, std::nullopt);
}

TEST(ApiErrorTest, FlowSchemaUidIsKept) {
  const ApiError error = apiErrorFromResponse(
      429, {{"X-Kubernetes-PF-FlowSchema-UID", "fs-123"}, {"Retry-After", "1"}}, "");
  EXPECT_EQ(error.flowSchemaUid, "fs-123");
}

TEST(ApiErrorTest, RetriableAre429And5xxAndSafeTransportFailures) {
  EXPECT_TRUE(isRetriable(fromStatus(429, "TooManyRequests", "x"), false));
  EXPECT_TRUE(isRetriable(fromStatus(500, "InternalError", "x"), false));
  EXPECT_TRUE(isRetriable(apiErrorFromResponse(502, {}, ""), false));
  EXPECT_TRUE(isRetriable(fromStatus(503, "ServiceUnavailable", "x"), false));
  EXPECT_TRUE(isRetriable(fromStatus(504, "Timeout", "x"), false));
  for (int code : {400, 401, 403, 404, 409, 410, 413, 415, 422}) {
    EXPECT_FALSE(isRetriable(apiErrorFromResponse(code, {}, ""), true)) << code;
  }
  const ApiError refused = transportError(TransportFailureKind::ConnectionRefused, "refused");
  EXPECT_TRUE(isRetriable(refused, false));
  const ApiError lost = transportError(TransportFailureKind::ConnectionLost, "reset");
  EXPECT_TRUE(isRetriable(lost, true));
  EXPECT_FALSE(isRetriable(lost, false));  // never re-send a write that may have landed
  const ApiError timeout = transportError(TransportFailureKind::Timeout, "timed out");
  EXPECT_TRUE(isRetriable(timeout, true));
  EXPECT_FALSE(isRetriable(timeout, false));
  EXPECT_FALSE(isRetriable(transportError(TransportFailureKind::Tls, "bad cert"), true));
}

TEST(ApiErrorTest, RetryDelayHonoursRetryAfterWithACap) {
  EXPECT_EQ(retryDelay(apiErrorFromResponse(429, {{"Retry-After", "4"}}, ""), false, kBackoff),
            milliseconds(4000));
  EXPECT_EQ(retryDelay(apiErrorFromResponse(429, {{"Retry-After", "86400"}}, ""), false, kBackoff),
            milliseconds(kMaxRetryAfter));
  EXPECT_EQ(retryDelay(apiErrorFromResponse(500, {}, ""), false, kBackoff), kBackoff);
  EXPECT_EQ(retryDelay(transportError(TransportFailureKind::ConnectionLost, "EOF"), true, kBackoff),
            milliseconds(kLostConnectionReadRetry));
  EXPECT_EQ(retryDelay(fromStatus(404, "NotFound", "x"), true, kBackoff), std::nullopt);
  // A Retry-After on a non-retriable error does not make it retriable.
  EXPECT_EQ(retryDelay(apiErrorFromResponse(403, {{"Retry-After", "1"}}, ""), true, kBackoff),
            std::nullopt);
}

TEST(ApiErrorTest, TransportKinds) {
  const ApiError tls = transportError(TransportFailureKind::Tls,
                                      "SSL certificate problem: unable to get local issuer");
  EXPECT_EQ(tls.kind, ApiErrorKind::TlsFailure);
  EXPECT_TRUE(isTransport(tls));
  EXPECT_EQ(tls.code, 0);
  EXPECT_THAT(tls.describe(), HasSubstr("TlsFailure: SSL certificate problem"));
  EXPECT_EQ(transportError(TransportFailureKind::Timeout, "").kind, ApiErrorKind::TransportTimeout);
  EXPECT_EQ(transportError(TransportFailureKind::Other, "dns").kind,
            ApiErrorKind::TransportFailure);
  EXPECT_FALSE(isTransport(fromStatus(500, "InternalError", "x")));
  EXPECT_FALSE(isServerError(tls));
}

}  // namespace
}  // namespace cop::client
