using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MonitorApp.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AlertSilenceEnds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "end_recorded",
                table: "alert_silences",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "end_recorded",
                table: "alert_silences");
        }
    }
}
