using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MonitorApp.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SessionStatsAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_session_stats_at",
                table: "session_stats",
                column: "at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_stats_at",
                table: "session_stats");
        }
    }
}
