// Issue 6, class 7: network semantics as compose means them. Loopback-bound ports stay inside
// the stack, network_mode: none isolates the pod, DNS egress goes to the cluster's DNS only
// (configurable), and internal networks stay internal.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "operator/cli/convert_command.h"
#include "operator/translate/translator.h"
#include "tests/support/test_support.h"

namespace cop::translate {
namespace {

using testing::convertText;
using testing::findObject;
using ::testing::HasSubstr;

std::vector<Object> convertOk(const std::string& compose, TranslateOptions options = {},
                              Warnings* warningsOut = nullptr) {
  auto result = convertText(compose, options);
  EXPECT_TRUE(result.objects) << result.objects.error().format();
  if (warningsOut != nullptr) {
    *warningsOut = result.warnings;
  }
  return result.objects ? *result.objects : std::vector<Object>{};
}

Error convertError(const std::string& compose, TranslateOptions options = {}) {
  auto result = convertText(compose, options);
  EXPECT_FALSE(result.objects) << "expected an error";
  return result.objects ? Error{} : result.objects.error();
}

Object podLabels(const std::vector<Object>& objects, const std::string& service) {
  const Object workload = findObject(objects, "Deployment", service);
  EXPECT_FALSE(workload.is_null()) << "no Deployment " << service;
  return workload.is_null() ? Object::object() : workload["spec"]["template"]["metadata"]["labels"];
}

// Whether any NetworkPolicy selects the pod (by its labels) and has an ingress rule that
// admits traffic from any source (no `from`): what "published" means.
bool openToAnySource(const std::vector<Object>& objects, const Object& labels, int port) {
  for (const Object& object : objects) {
    if (object["kind"] != "NetworkPolicy" || !object["spec"].contains("ingress")) {
      continue;
    }
    bool selects = true;
    for (const auto& [key, value] : object["spec"]["podSelector"]["matchLabels"].items()) {
      selects = selects && labels.contains(key) && labels[key] == value;
    }
    if (!selects) {
      continue;
    }
    for (const Object& rule : object["spec"]["ingress"]) {
      if (rule.contains("from")) {
        continue;
      }
      if (!rule.contains("ports")) {
        return true;
      }
      for (const Object& p : rule["ports"]) {
        if (p["port"] == port) {
          return true;
        }
      }
    }
  }
  return false;
}

// The policies whose pod selector matches these labels.
std::vector<Object> policiesSelecting(const std::vector<Object>& objects, const Object& labels) {
  std::vector<Object> out;
  for (const Object& object : objects) {
    if (object["kind"] != "NetworkPolicy") {
      continue;
    }
    bool selects = true;
    for (const auto& [key, value] : object["spec"]["podSelector"]["matchLabels"].items()) {
      selects = selects && labels.contains(key) && labels[key] == value;
    }
    if (selects) {
      out.push_back(object);
    }
  }
  return out;
}

// --- loopback-bound ports ---------------------------------------------------------------

TEST(NetworkSemanticsTest, LoopbackPortsAreNotPublishedButReachableInsideTheStack) {
  Warnings warnings;
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    ports:\n      - 127.0.0.1:8080:80\n"
      "      - '[::1]:8443:443'\n      - localhost:8081:81\n      - 127.1.2.3:9090:90\n"
      "      - '[::ffff:127.0.0.1]:9191:91'\n      - 0.0.0.0:7070:70\n      - 6060:60\n",
      {}, &warnings);
  const Object labels = podLabels(objects, "web");
  for (int port : {80, 443, 81, 90, 91}) {
    EXPECT_FALSE(openToAnySource(objects, labels, port)) << port;
  }
  EXPECT_TRUE(openToAnySource(objects, labels, 70));
  EXPECT_TRUE(openToAnySource(objects, labels, 60));
  // The stack's pods reach a loopback-bound port on the container port, as under compose.
  std::set<int> servicePorts;
  const Object service = findObject(objects, "Service", "web");
  for (const Object& port : service["spec"]["ports"]) {
    servicePorts.insert(port["port"].get<int>());
    if (port["port"] == 80) {
      EXPECT_EQ(port["targetPort"], 80);
    }
  }
  EXPECT_TRUE(servicePorts.contains(80));
  EXPECT_FALSE(servicePorts.contains(8080));
  EXPECT_TRUE(servicePorts.contains(7070));
  EXPECT_THAT(testing::joinWarnings(warnings),
              HasSubstr("services.web.ports[0]: the port is bound to 127.0.0.1, so it is not "
                        "exposed beyond the stack"));
}

TEST(NetworkSemanticsTest, LoopbackPortsAreNeverNodePortOrLoadBalancer) {
  for (const std::string type : {"nodeport", "loadbalancer"}) {
    const Error error =
        convertError("services:\n  web:\n    image: x\n    labels: {kompose.service.type: " + type +
                     "}\n    ports: ['127.0.0.1:8080:80']\n");
    EXPECT_THAT(error.message, HasSubstr("loopback")) << type;
    EXPECT_EQ(error.path, "services.web.labels");
  }
  // Without a loopback port the same request stands.
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    labels: {kompose.service.type: nodeport}\n"
      "    ports: ['8080:80']\n");
  EXPECT_EQ(findObject(objects, "Service", "web")["spec"]["type"], "NodePort");
}

// --- network_mode: none -----------------------------------------------------------------

TEST(NetworkSemanticsTest, NetworkModeNoneReachesNothingAndIsReachedByNothing) {
  auto objects = convertOk(
      "services:\n  box:\n    image: x\n    network_mode: none\n    expose: ['80']\n"
      "  web:\n    image: x\n    ports: ['80:80']\n");
  const Object labels = podLabels(objects, "box");
  // Only the default deny selects it, and it allows nothing.
  const std::vector<Object> policies = policiesSelecting(objects, labels);
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0]["metadata"]["name"], "demo-default-deny");
  EXPECT_FALSE(policies[0]["spec"].contains("ingress"));
  EXPECT_FALSE(policies[0]["spec"].contains("egress"));
  EXPECT_EQ(policies[0]["spec"]["policyTypes"], Object::array({"Ingress", "Egress"}));
  // No Service claims a reachability that is not there.
  EXPECT_TRUE(findObject(objects, "Service", "box").is_null());
  // Its neighbour keeps its network, DNS and published port.
  const Object web = podLabels(objects, "web");
  EXPECT_GE(policiesSelecting(objects, web).size(), 4u);
  EXPECT_TRUE(openToAnySource(objects, web, 80));
}

TEST(NetworkSemanticsTest, NetworkModeNoneRefusesWhatWouldContradictIt) {
  EXPECT_THAT(convertError("services:\n  box:\n    image: x\n    network_mode: none\n"
                           "    ports: ['80:80']\n")
                  .message,
              HasSubstr("network_mode: none"));
  EXPECT_THAT(convertError("services:\n  box:\n    image: x\n    network_mode: none\n"
                           "  web:\n    image: x\n    links: ['box:b']\n")
                  .message,
              HasSubstr("network_mode: none"));
}

TEST(NetworkSemanticsTest, AStackOfIsolatedPodsHasNoDnsPolicy) {
  auto objects = convertOk("services:\n  box:\n    image: x\n    network_mode: none\n");
  for (const Object& object : objects) {
    if (object["kind"] == "NetworkPolicy") {
      EXPECT_EQ(object["metadata"]["name"], "demo-default-deny");
    }
  }
}

// --- DNS egress -------------------------------------------------------------------------

// Every egress rule that opens port 53 must name its peers: a rule without `to` would allow
// any address on port 53.
void expectDnsOnlyTo(const std::vector<Object>& objects, const Object& expectedPeers) {
  int dnsRules = 0;
  for (const Object& object : objects) {
    if (object["kind"] != "NetworkPolicy" || !object["spec"].contains("egress")) {
      continue;
    }
    for (const Object& rule : object["spec"]["egress"]) {
      bool dns = false;
      for (const Object& port : rule.value("ports", Object::array())) {
        dns = dns || port["port"] == 53;
      }
      if (!dns) {
        continue;
      }
      ++dnsRules;
      ASSERT_TRUE(rule.contains("to")) << object.dump();
      EXPECT_EQ(rule["to"], expectedPeers);
    }
  }
  EXPECT_EQ(dnsRules, 1);
}

TEST(NetworkSemanticsTest, DnsEgressGoesOnlyToTheClusterDnsByDefault) {
  auto objects = convertOk("services:\n  web:\n    image: x\n");
  expectDnsOnlyTo(
      objects,
      Object::array(
          {Object{{"namespaceSelector",
                   Object{{"matchLabels", Object{{"kubernetes.io/metadata.name", "kube-system"}}}}},
                  {"podSelector", Object{{"matchLabels", Object{{"k8s-app", "kube-dns"}}}}}}}));
  // The DNS policy selects the pod.
  const Object dns = findObject(objects, "NetworkPolicy", "demo-allow-dns");
  ASSERT_FALSE(dns.is_null());
  const Object labels = podLabels(objects, "web");
  for (const auto& [key, value] : dns["spec"]["podSelector"]["matchLabels"].items()) {
    EXPECT_EQ(labels[key], value) << key;
  }
}

TEST(NetworkSemanticsTest, DnsTargetIsConfigurable) {
  TranslateOptions options;
  options.dns.namespaceName = "dns";
  options.dns.podLabelKey = "app.kubernetes.io/name";
  options.dns.podLabelValue = "coredns";
  options.dns.cidrs = {"169.254.20.10/32", "fd00::a/128"};
  auto objects = convertOk("services:\n  web:\n    image: x\n", options);
  expectDnsOnlyTo(
      objects,
      Object::array(
          {Object{{"namespaceSelector",
                   Object{{"matchLabels", Object{{"kubernetes.io/metadata.name", "dns"}}}}},
                  {"podSelector",
                   Object{{"matchLabels", Object{{"app.kubernetes.io/name", "coredns"}}}}}},
           Object{{"ipBlock", Object{{"cidr", "169.254.20.10/32"}}}},
           Object{{"ipBlock", Object{{"cidr", "fd00::a/128"}}}}}));
}

TEST(NetworkSemanticsTest, DnsOptionsAreValidated) {
  auto bad = [](auto change) {
    DnsOptions dns;
    change(dns);
    return !checkDnsOptions(dns);
  };
  EXPECT_FALSE(bad([](DnsOptions&) {}));
  EXPECT_TRUE(bad([](DnsOptions& d) { d.namespaceName = "Kube_System"; }));
  EXPECT_TRUE(bad([](DnsOptions& d) { d.namespaceName = ""; }));
  EXPECT_TRUE(bad([](DnsOptions& d) { d.podLabelKey = "bad key"; }));
  EXPECT_TRUE(bad([](DnsOptions& d) { d.podLabelValue = "a/b"; }));
  EXPECT_TRUE(bad([](DnsOptions& d) { d.podLabelValue = ""; }));
  for (const std::string cidr :
       {"169.254.20.10", "10.0.0.1/8", "300.0.0.0/8", "10.0.0.0/33", "fd00::/129", "fd00::1/64",
        "10.0.0.0/-1", "x/8", "0.0.0.0/", "10.0.0.0/0008"}) {
    EXPECT_TRUE(bad([&](DnsOptions& d) { d.cidrs = {cidr}; })) << cidr;
  }
  for (const std::string cidr :
       {"169.254.20.10/32", "10.0.0.0/8", "0.0.0.0/0", "fd00::/8", "::1/128"}) {
    EXPECT_FALSE(bad([&](DnsOptions& d) { d.cidrs = {cidr}; })) << cidr;
  }
  // translate() refuses them too (the operator calls it without the command's checks).
  TranslateOptions options;
  options.dns.cidrs = {"10.0.0.1/8"};
  EXPECT_THAT(convertError("services:\n  web:\n    image: x\n", options).message,
              HasSubstr("10.0.0.1/8"));
}

TEST(NetworkSemanticsTest, ConvertTakesTheDnsFlags) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("cop-dns-flags-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "compose.yaml").string();
  std::ofstream(file) << "services:\n  web:\n    image: x\n";
  auto run = [&](std::vector<std::string> args, std::string& out, std::string& err) {
    std::ostringstream o;
    std::ostringstream e;
    args.insert(args.begin(), {"-f", file, "-o", "json"});
    const int code = cli::runConvert(args, {}, o, e);
    out = o.str();
    err = e.str();
    return code;
  };
  std::string out;
  std::string err;
  EXPECT_EQ(run({"--dns-namespace", "dns", "--dns-pod-label", "k8s-app=coredns", "--dns-cidr",
                 "169.254.20.10/32"},
                out, err),
            cli::kExitOk)
      << err;
  const auto list = nlohmann::json::parse(out);
  Object dns;
  for (const auto& item : list["items"]) {
    if (item["metadata"]["name"] == "demo-allow-dns" || item["kind"] == "NetworkPolicy") {
      if (item["metadata"]["name"].get<std::string>().ends_with("allow-dns")) {
        dns = item;
      }
    }
  }
  ASSERT_FALSE(dns.is_null());
  const Object& peers = dns["spec"]["egress"][0]["to"];
  EXPECT_EQ(peers[0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"], "dns");
  EXPECT_EQ(peers[0]["podSelector"]["matchLabels"]["k8s-app"], "coredns");
  EXPECT_EQ(peers[1]["ipBlock"]["cidr"], "169.254.20.10/32");

  EXPECT_EQ(run({"--dns-cidr", "10.0.0.1/8"}, out, err), cli::kExitUsage);
  EXPECT_THAT(err, HasSubstr("10.0.0.1/8"));
  EXPECT_EQ(run({"--dns-pod-label", "k8s-app"}, out, err), cli::kExitUsage);
  EXPECT_EQ(run({"--dns-namespace", "Bad_Name"}, out, err), cli::kExitUsage);
  std::filesystem::remove_all(dir);
}

// --- internal networks ------------------------------------------------------------------

TEST(NetworkSemanticsTest, InternalNetworksStayInternal) {
  Warnings warnings;
  auto objects = convertOk(
      "services:\n  db:\n    image: x\n    ports: ['5432:5432']\n    networks: [backend]\n"
      "  api:\n    image: x\n    ports: ['8080:8080']\n    networks: [backend, public]\n"
      "networks:\n  backend: {internal: true}\n  public: {}\n",
      {}, &warnings);
  const Object db = podLabels(objects, "db");
  EXPECT_FALSE(openToAnySource(objects, db, 5432));
  EXPECT_FALSE(db.contains("compose.operator.dev/external-egress"));
  for (const Object& policy : policiesSelecting(objects, db)) {
    for (const Object& rule : policy["spec"].value("egress", Object::array())) {
      for (const Object& peer : rule.value("to", Object::array())) {
        EXPECT_FALSE(peer.contains("ipBlock")) << policy.dump();
      }
    }
    for (const Object& rule : policy["spec"].value("ingress", Object::array())) {
      EXPECT_TRUE(rule.contains("from")) << policy.dump();
    }
  }
  EXPECT_THAT(testing::joinWarnings(warnings),
              HasSubstr("services.db.ports: the service is only on internal networks"));
  // A service on an internal and a normal network keeps the normal network's reach.
  const Object api = podLabels(objects, "api");
  EXPECT_TRUE(openToAnySource(objects, api, 8080));
  EXPECT_EQ(api["compose.operator.dev/external-egress"], "true");
  // The internal network's policy admits only its members.
  const Object backend = findObject(objects, "NetworkPolicy", "demo-net-backend");
  ASSERT_FALSE(backend.is_null());
  EXPECT_EQ(backend["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
                   ["net.compose.operator.dev/backend"],
            "true");
}

TEST(NetworkSemanticsTest, AnInternalDefaultNetworkKeepsEveryServiceInside) {
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    ports: ['80:80']\n"
      "networks:\n  default: {internal: true}\n");
  const Object web = podLabels(objects, "web");
  EXPECT_FALSE(openToAnySource(objects, web, 80));
  EXPECT_TRUE(findObject(objects, "NetworkPolicy", "demo-external-egress").is_null());
}

}  // namespace
}  // namespace cop::translate
