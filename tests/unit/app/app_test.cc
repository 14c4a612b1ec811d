// The application layer on a small hand-made DuckDB project: every function returns values
// (diagnostics, profiles, chains, sizes) and prints nothing.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/app/audience.h"
#include "zcdp/app/profile.h"
#include "zcdp/app/project.h"
#include "zcdp/run/pipeline.h"

#include "unit/app/app_fixture.h"

namespace zcdp::app {
namespace {

namespace fs = std::filesystem;

using AppTest = testing::AppProjectTest;

TEST_F(AppTest, ValidateCountsWhatTheProjectDefines) {
  Diagnostics diags("");
  Result<ProjectSummary> summary = Validate(dir_.string(), &diags);
  ASSERT_TRUE(summary.ok()) << summary.status().message() << diags.ToString();
  EXPECT_EQ(summary->file, (dir_ / "zcdp.yaml").string());
  EXPECT_EQ(summary->sources, 2u);
  EXPECT_EQ(summary->id_types, 2u);
  EXPECT_EQ(summary->traits, 2u);
  EXPECT_EQ(summary->audiences, 1u);
  EXPECT_TRUE(diags.all().empty());
}

TEST_F(AppTest, ABrokenProjectReturnsPositionedDiagnosticsAndPrintsNothing) {
  std::string model = zcdp::testing::kSyncShopModel;
  model.replace(model.find("tier = 'gold'"), 13, "tierr = 'gold'");
  model.replace(model.find("table: crm.consents"), 19, "table: crm.missing");
  WriteProject(model);
  Diagnostics diags("");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  Result<OpenedProject> opened =
      OpenProject(dir_.string(), Access::kReadOnly, /*validate=*/true, &diags);
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "");
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(IsProjectInvalid(opened.status())) << opened.status().message();
  EXPECT_EQ(diags.file(), (dir_ / "zcdp.yaml").string());
  ASSERT_TRUE(diags.has_errors());
  bool names_table = false;
  for (const Diagnostic& d : diags.all()) {
    EXPECT_GT(d.pos.line, 0) << d.message;
    names_table = names_table || d.message.find("crm.missing") != std::string::npos;
  }
  EXPECT_TRUE(names_table) << diags.ToString();
}

TEST_F(AppTest, AnUnreadableWarehouseIsAnErrorNotDiagnostics) {
  std::ofstream(dir_ / "zcdp.yaml") << "name: apptest\nwarehouse: {type: postgres, dsn: "
                                       "'host=/nonexistent-zcdp-socket-dir dbname=x'}\n"
                                    << zcdp::testing::kSyncShopModel;
  Diagnostics diags("");
  Result<OpenedProject> opened =
      OpenProject(dir_.string(), Access::kReadOnly, /*validate=*/true, &diags);
  ASSERT_FALSE(opened.ok());
  EXPECT_FALSE(IsProjectInvalid(opened.status())) << opened.status().message();
  EXPECT_FALSE(diags.has_errors());
}

TEST_F(AppTest, ProfileLookupReturnsIdentifiersTraitsAndAudiences) {
  ASSERT_NO_FATAL_FAILURE(Run());
  OpenedProject opened = Open();
  ::testing::internal::CaptureStdout();
  Result<ProfileLookup> lookup = LookupProfile(opened, "email:ANN@x.com");
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  ASSERT_TRUE(lookup.ok()) << lookup.status().message();
  EXPECT_EQ(lookup->id.id_type, "email");
  EXPECT_EQ(lookup->id.value, "ann@x.com");  // normalised
  ASSERT_TRUE(lookup->profile);
  const Profile& p = *lookup->profile;
  EXPECT_FALSE(p.profile_id.empty());
  std::map<std::string, std::string> ids;
  for (const auto& i : p.identifiers) ids[i.id_type] = i.id_value;
  EXPECT_EQ(ids, (std::map<std::string, std::string>{{"crm_id", "c1"}, {"email", "ann@x.com"}}));
  std::map<std::string, std::string> traits;
  for (const auto& t : p.traits) traits[t.name] = t.value.ToString();
  EXPECT_EQ(traits["first_name"], "Ann");
  EXPECT_EQ(traits["tier"], "gold");
  ASSERT_EQ(p.audiences.size(), 1u);
  EXPECT_EQ(p.audiences[0].audience, "gold");
  EXPECT_FALSE(p.audiences[0].since.empty());

  Result<ProfileLookup> silver = LookupProfile(opened, "crm_id:c2");
  ASSERT_TRUE(silver.ok()) << silver.status().message();
  ASSERT_TRUE(silver->profile);
  EXPECT_TRUE(silver->profile->audiences.empty());

  Result<ProfileLookup> nobody = LookupProfile(opened, "email:zed@x.com");
  ASSERT_TRUE(nobody.ok()) << nobody.status().message();
  EXPECT_FALSE(nobody->profile);
  EXPECT_EQ(LookupProfile(opened, "phone_hash:1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LookupProfile(opened, "no-colon").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AppTest, ExplainReturnsTheChainOrWhatKeptThemApart) {
  ASSERT_NO_FATAL_FAILURE(Run());
  OpenedProject opened = Open();
  Result<ExplainResult> joined = ExplainIdentifiers(opened, "crm_id:c1", "email:ann@x.com");
  ASSERT_TRUE(joined.ok()) << joined.status().message();
  EXPECT_EQ(joined->a.value, "c1");
  EXPECT_EQ(joined->b.value, "ann@x.com");
  ASSERT_TRUE(joined->explanation.joined);
  ASSERT_EQ(joined->explanation.chain.size(), 1u);
  EXPECT_EQ(joined->explanation.chain[0].source, "customers");

  Result<ExplainResult> apart = ExplainIdentifiers(opened, "crm_id:c1", "crm_id:c2");
  ASSERT_TRUE(apart.ok()) << apart.status().message();
  EXPECT_FALSE(apart->explanation.joined);
  EXPECT_TRUE(apart->explanation.profile_a);
  EXPECT_TRUE(apart->explanation.profile_b);
  EXPECT_NE(*apart->explanation.profile_a, *apart->explanation.profile_b);
}

TEST_F(AppTest, AudiencesBeforeTheFirstRunSayWhatIsMissing) {
  OpenedProject opened = Open();
  Result<AudienceList> list = ListAudiences(opened);
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_FALSE(list->sized);
  ASSERT_EQ(list->rows.size(), 1u);
  EXPECT_FALSE(list->rows[0].size);
  EXPECT_EQ(AudienceSize(opened, "gold", false).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(AudienceSize(opened, "gold", true).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(AudiencePreview(opened, "gold", 5).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(AudienceSql(opened, "gold").ok());
}

TEST_F(AppTest, AudienceSizePreviewAndListAfterARun) {
  ASSERT_NO_FATAL_FAILURE(Run());
  OpenedProject opened = Open();
  Result<AudienceList> list = ListAudiences(opened);
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_TRUE(list->sized);
  ASSERT_EQ(list->rows.size(), 1u);
  EXPECT_EQ(list->rows[0].name, "gold");
  EXPECT_EQ(list->rows[0].size, 2);
  EXPECT_EQ(list->rows[0].condition, "tier = 'gold'");

  Result<int64_t> stored = AudienceSize(opened, "gold", false);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, 2);
  Result<int64_t> live = AudienceSize(opened, "gold", true);
  ASSERT_TRUE(live.ok()) << live.status().message();
  EXPECT_EQ(*live, 2);

  Result<std::unique_ptr<QueryStream>> preview = AudiencePreview(opened, "gold", 1);
  ASSERT_TRUE(preview.ok()) << preview.status().message();
  int64_t rows = 0;
  while (true) {
    auto chunk = (*preview)->Next();
    ASSERT_TRUE(chunk.ok()) << chunk.status().message();
    if (*chunk == nullptr) break;
    rows += static_cast<int64_t>((*chunk)->row_count());
  }
  EXPECT_EQ(rows, 1);

  Status unknown = AudienceSize(opened, "golld", false).status();
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.message().find("gold"), std::string::npos) << unknown.message();
}

}  // namespace
}  // namespace zcdp::app
