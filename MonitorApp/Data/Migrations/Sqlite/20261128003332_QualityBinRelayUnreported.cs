using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MonitorApp.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QualityBinRelayUnreported : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "relay_unreported",
                table: "quality_bins",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "relay_unreported",
                table: "quality_bins");
        }
    }
}
