#include "operator/client/resource_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/rest/scripted_transport.h"

namespace cop::client {
namespace {

using testing::clusterRoles;
using testing::configMaps;
using testing::deployments;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(ResourcePath, CoreGroupIsUnderApiV1) {
  EXPECT_EQ(objectPath(configMaps(), "default", "web"),
            "/api/v1/namespaces/default/configmaps/web");
  EXPECT_EQ(collectionPath(configMaps(), "default"), "/api/v1/namespaces/default/configmaps");
}

TEST(ResourcePath, OtherGroupsAreUnderApisGroupVersion) {
  EXPECT_EQ(objectPath(deployments(), "prod", "web"),
            "/apis/apps/v1/namespaces/prod/deployments/web");
}

TEST(ResourcePath, ClusterScopedHasNoNamespaceEvenWhenOneIsGiven) {
  EXPECT_EQ(objectPath(clusterRoles(), "prod", "admin"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin");
}

TEST(ResourcePath, AllNamespacesCollectionHasNoNamespace) {
  EXPECT_EQ(collectionPath(configMaps(), ""), "/api/v1/configmaps");
}

TEST(ResourcePath, SubresourceFollowsTheName) {
  EXPECT_EQ(objectPath(deployments(), "prod", "web", "status"),
            "/apis/apps/v1/namespaces/prod/deployments/web/status");
}

TEST(ResourcePath, EverySegmentIsPercentEncoded) {
  EXPECT_EQ(objectPath(configMaps(), "a b", "x?y#z"),
            "/api/v1/namespaces/a%20b/configmaps/x%3Fy%23z");
}

TEST(PercentEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percentEncode("a=b,c!=d"), "a%3Db%2Cc%21%3Dd");
  EXPECT_EQ(percentEncode("/%+& "), "%2F%25%2B%26%20");
  EXPECT_EQ(percentEncode("\xC3\xA9"), "%C3%A9");  // é, byte by byte, upper-case hex
}

TEST(PathSegment, RefusesWhatClientGoRefuses) {
  EXPECT_EQ(pathSegmentProblem("name", "web"), std::nullopt);
  EXPECT_EQ(pathSegmentProblem("name", "Not_A_DNS_Name"), std::nullopt)
      << "the server, not the client, validates names";
  EXPECT_THAT(pathSegmentProblem("name", ""), Optional(HasSubstr("empty")));
  EXPECT_THAT(pathSegmentProblem("name", "."), Optional(HasSubstr("'.'")));
  EXPECT_THAT(pathSegmentProblem("name", ".."), Optional(HasSubstr("'..'")));
  EXPECT_THAT(pathSegmentProblem("namespace", "a/b"), Optional(HasSubstr("'/'")));
  EXPECT_THAT(pathSegmentProblem("name", "a%2F"), Optional(HasSubstr("'%'")));
  EXPECT_THAT(pathSegmentProblem("name", "a\nb"), Optional(HasSubstr("control")));
}

TEST(Query, IsSortedByNameWithValuesEncoded) {
  Query query;
  query.add("watch", "1").add("labelSelector", "app=web,tier in (a,b)").add("limit", "2");
  EXPECT_EQ(query.encode(), "?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29&limit=2&watch=1");
}

TEST(Query, SkipsUnsetValuesAndIsEmptyWithoutParameters) {
  Query query;
  query.addIfSet("resourceVersion", "");
  EXPECT_TRUE(query.empty());
  EXPECT_EQ(query.encode(), "");
}

}  // namespace
}  // namespace cop::client
